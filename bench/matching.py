"""Speed and memory of the matcher on a corpus scaled from the benchmark texts, beside baselines.

    python bench/matching.py --size 100000 [--queries 2000] [--no-baselines]

Synthetic achievements recombine real ones deterministically (seeded RNG): a real record's
discipline and title, its sentences mixed with sentences of other records of the same
discipline, and keywords drawn from those records, so vocabulary statistics stay realistic.
Queries are the dev needs. Skips with a message if ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Matcher  # noqa: E402
from matchmaker.matching.rank import achievement_doc, need_doc, read_jsonl  # noqa: E402
from matchmaker.matching.text import words  # noqa: E402

_SENT = re.compile(r"(?<=[。．.;；!！?？])")


def synth(records: list[dict], n: int, seed: int = 7) -> list[dict]:
    """n achievement docs: the real ones first, then deterministic recombinations."""
    rng = random.Random(seed)
    docs = [achievement_doc(r) for r in records[:n]]
    sents = [[s for s in _SENT.split(r["abstract"]) if s] for r in records]
    by_disc: dict = {}
    for i, r in enumerate(records):
        by_disc.setdefault(r.get("discipline"), []).append(i)
    i = 0
    while len(docs) < n:
        base = records[i % len(records)]
        pool = by_disc[base.get("discipline")]
        others = [rng.choice(pool) for _ in range(2)]
        mix = sents[i % len(records)] + [s for o in others for s in sents[o]]
        rng.shuffle(mix)
        target = len(base["abstract"])
        text, used = "", 0
        for s in mix:
            if used >= target:
                break
            text += s
            used += len(s)
        kws = [k for o in [i % len(records)] + others for k in records[o].get("keywords") or []]
        docs.append(
            {
                "id": f"SYN-{len(docs):08d}",
                "kind": "achievement",
                "title": records[rng.choice(pool)].get("title") if rng.random() < 0.4 else None,
                "description": text,
                "keywords": rng.sample(kws, min(len(kws), rng.randint(0, 4))),
                "field": base.get("discipline"),
            }
        )
        i += 1
    return docs


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CPU: dict[int, np.ndarray] = {}  # id(wall-time array) -> CPU-time array of the same calls


def timed(fn, items, repeat=1) -> np.ndarray:
    """Wall ms per call; the process CPU ms of the same calls go to CPU (robust to other load)."""
    out, cpu = [], []
    for _ in range(repeat):
        for it in items:
            t, c = time.perf_counter(), time.process_time()
            fn(it)
            cpu.append((time.process_time() - c) * 1000)
            out.append((time.perf_counter() - t) * 1000)
    out = np.array(out)
    CPU[id(out)] = np.array(cpu)
    return out


def row(name, ms, ref=None):
    p = np.percentile(ms, [0, 50, 99, 100])
    ratio = f"{np.median(ms) / np.median(ref):7.1f}x" if ref is not None else "      -"
    cpu = CPU.get(id(ms))
    c = f"{np.median(cpu):8.3f}" if cpu is not None else "       -"
    return f"| {name:34s} | {len(ms):6d} | {p[0]:8.3f} | {p[1]:8.3f} | {p[2]:8.3f} | {p[3]:9.3f} | {ratio} | {c} |"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--slow-queries", type=int, default=30, help="queries for the brute-force sklearn baseline")
    ap.add_argument("--pairs", type=int, default=10_000, help="needs in the all-pairs run")
    ap.add_argument("--no-baselines", action="store_true")
    args = ap.parse_args(argv)
    if not (DATA / "achievements.jsonl").exists():
        print(f"SKIP: benchmark data not found at {DATA}")
        return 0
    records = read_jsonl(str(DATA / "achievements.jsonl"))
    needs = [need_doc(r) for r in read_jsonl(str(DATA / "needs_dev.jsonl"))]
    t = time.perf_counter()
    docs = synth(records, args.size)
    print(f"corpus: {len(docs)} achievements generated in {time.perf_counter() - t:.1f}s; RSS {rss_mb():.0f} MB")
    rss0 = rss_mb()

    # The compiled kernel loads from numba's cache (or compiles, once per install) before the fit: a
    # one-time cost of the process, printed apart rather than counted in the fit.
    from matchmaker.matching.matcher import _load_kernel

    t = time.perf_counter()
    _load_kernel()
    print(f"query kernel: numba, ready in {time.perf_counter() - t:.2f}s")

    def children_cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return r.ru_utime + r.ru_stime

    t, c, k = time.perf_counter(), time.process_time(), children_cpu()
    m = Matcher().fit(docs, workers=None)
    fit_s, fit_cpu, kids_cpu = time.perf_counter() - t, time.process_time() - c, children_cpu() - k
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"fit: {fit_s:.1f}s (CPU {fit_cpu:.1f}s of this process and {kids_cpu:.1f}s of its "
        f"{os.cpu_count()} segmenting processes, {fit_cpu + kids_cpu:.1f}s in all); "
        f"RSS after fit {rss_mb():.0f} MB (docs alone {rss0:.0f} MB); peak RSS {peak_mb():.0f} MB, "
        f"largest forked segmenter {kids:.0f} MB (its pages are mostly shared with this process)"
    )

    qs = [needs[i % len(needs)] for i in range(args.queries)]
    for q in qs[:50]:
        m.query(q)  # warm up
    ours = timed(lambda q: m.query(q, k=10), qs)
    sugg = timed(lambda q: m.suggest(q, k=10), qs[:500])
    srch = timed(lambda q: m.search(q["description"], "achievement", k=1000), qs[:500])

    # add -> searchable: add() then a title search that must return the new posting; add() alone 250 times
    adds, add_only = [], []
    for j in range(50):
        code = "甲乙丙丁戊己庚辛壬癸"[j % 10] + "子丑寅卯辰巳午未申酉戌亥"[j // 10]  # a unique title word
        d = dict(docs[j * 7919 % len(docs)], id=f"NEW-{j}", title=f"{code}型高镍锂电池正极材料")
        t = time.perf_counter()
        m.add(d)
        add_only.append((time.perf_counter() - t) * 1000)
        hit = [i for i, _ in m.search(d["title"], "achievement", k=10)]
        adds.append((time.perf_counter() - t) * 1000)
        assert d["id"] in hit, "added posting not found"
    for j in range(50, 250):  # 50 were too few for a steady median of add() alone
        d = dict(docs[j * 7919 % len(docs)], id=f"NEW-{j}")
        t = time.perf_counter()
        m.add(d)
        add_only.append((time.perf_counter() - t) * 1000)
    adds, add_only = np.array(adds), np.array(add_only)

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        m.save(Path(tmp) / "idx")
        save_s = time.perf_counter() - t
        t = time.perf_counter()
        m2 = Matcher.load(Path(tmp) / "idx", mmap=True)
        load_s = time.perf_counter() - t
        loaded = timed(lambda q: m2.query(q, k=10), qs[:500])
        m2 = None  # the mapped index goes before the all-pairs run

    pairs = [needs[i % len(needs)] for i in range(args.pairs)]
    t = time.perf_counter()
    batch = m.query_many(pairs, k=10, workers=2)
    pairs_s = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    for q in pairs[:2000]:
        m.query(q, k=10)
    seq_cpu = (time.process_time() - c) * len(pairs) / 2000  # one core, no other load, estimated
    assert batch[:5] == [m.query(q, k=10) for q in pairs[:5]]

    print(f"\n## size {len(docs):,}  (ms per query, one need -> top 10, text processing included)\n")
    print(
        f"(query path: numba kernel; load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        "'cpu p50' = process CPU ms)\n"
    )
    print(
        "| method                             |      n |      min |      p50 |      p99 |       max |  ratio | cpu p50  |"
    )
    print(
        "|------------------------------------|--------|----------|----------|----------|-----------|--------|----------|"
    )
    print(row("Matcher.query", ours))
    print(row("Matcher.query after load(mmap)", loaded, ours))
    print(row("Matcher.suggest (with reasons)", sugg, ours))
    print(row("Matcher.search k=1000", srch, ours))
    print(row("add() alone", add_only, ours))
    print(row("add() + search(title) finds it", adds, ours))

    if not args.no_baselines:
        import sparse_dot_topn
        import tantivy
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import linear_kernel

        t = time.perf_counter()
        seg = [
            " ".join(words(" ".join([d.get("title") or "", " ".join(d["keywords"]), d["description"] or ""])))
            for d in docs
        ]
        seg_s = time.perf_counter() - t
        vec = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, dtype=np.float32)
        t = time.perf_counter()
        X = vec.fit_transform(seg)
        XT = X.T.tocsr()
        sk_fit = time.perf_counter() - t

        def qvec(q):
            return vec.transform([" ".join(words(q["description"]))])

        def brute(q):
            s = linear_kernel(qvec(q), X).ravel()
            return np.argsort(-s)[:10]

        def sdt(q):
            return sparse_dot_topn.sp_matmul_topn(qvec(q), XT, top_n=10)

        schema = (
            tantivy.SchemaBuilder()
            .add_text_field("body", stored=False, tokenizer_name="whitespace")
            .add_integer_field("row", stored=True, fast=True)
            .build()
        )
        tdir = tempfile.mkdtemp()
        index = tantivy.Index(schema, path=tdir)
        t = time.perf_counter()
        w = index.writer(heap_size=1_000_000_000, num_threads=2)
        for i, s in enumerate(seg):
            w.add_document(tantivy.Document(body=s, row=i))
        w.commit()
        w.wait_merging_threads()
        index.reload()
        tv_fit = time.perf_counter() - t
        searcher = index.searcher()

        def tv(q):
            ws = words(q["description"])
            if not ws:
                return []
            query = index.parse_query(" OR ".join(f'"{x}"' for x in ws), ["body"])
            return searcher.search(query, 10).hits

        for q in qs[:50]:
            tv(q), sdt(q)
        base = [
            ("sklearn linear_kernel + argsort", timed(brute, qs[: args.slow_queries])),
            ("sparse_dot_topn (1 thread)", timed(sdt, qs[:500])),
            ("tantivy BM25 (pre-segmented)", timed(tv, qs)),
        ]
        for name, ms in base:
            print(row(name, ms, ours))
        # The same two calls alternated query by query (order flipped each time), so both see the same
        # moments of a shared machine: the fairest ratio when the load on the cores varies.
        ours_i, tv_i, cpu_o, cpu_t = [], [], [], []
        for j, q in enumerate(qs):
            for which in (0, 1) if j % 2 else (1, 0):
                t, c = time.perf_counter(), time.process_time()
                m.query(q, k=10) if which == 0 else tv(q)
                (cpu_o if which == 0 else cpu_t).append((time.process_time() - c) * 1000)
                (ours_i if which == 0 else tv_i).append((time.perf_counter() - t) * 1000)
        ours_i, tv_i = np.array(ours_i), np.array(tv_i)
        CPU[id(ours_i)], CPU[id(tv_i)] = np.array(cpu_o), np.array(cpu_t)
        print(row("Matcher.query, interleaved", ours_i))
        print(row("tantivy, interleaved", tv_i, ours_i))
        print(
            f"\nbaseline build: segmentation {seg_s:.1f}s, sklearn TfidfVectorizer {sk_fit:.1f}s, tantivy index {tv_fit:.1f}s"
        )
        Q = vec.transform([" ".join(words(q["description"])) for q in pairs])
        t = time.perf_counter()
        sparse_dot_topn.sp_matmul_topn(Q, XT, top_n=10, n_threads=2)
        sdt_pairs = time.perf_counter() - t
        print(f"all pairs {len(pairs)} needs: sparse_dot_topn 2 threads {sdt_pairs:.1f}s (vectorising not included)")

    print(
        f"\nfit {fit_s:.1f}s | save {save_s:.1f}s | load(mmap) {load_s:.2f}s | all pairs {len(pairs)} needs "
        f"x {len(docs):,}: {pairs_s:.1f}s (2 processes; 1-core CPU estimate {seq_cpu:.1f}s) | add->searchable p50 {np.median(adds):.1f} ms max {adds.max():.1f} ms "
        f"| peak RSS {peak_mb():.0f} MB | load average {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
