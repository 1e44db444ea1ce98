"""Keyword search quality (issue #15): the demo queries with their expected results, and a benchmark
built from ../shared/data, each beside the old search.

    .venv/bin/python bench/search.py                 # demo queries + the benchmark (~1-2 min)
    .venv/bin/python bench/search.py --demo-only     # the demo queries only (~5 s)
    .venv/bin/python bench/search.py --queries 500 --json out.json
    .venv/bin/python bench/search.py --demo-only --scale 100000   # + time per query at 100,000 (~1 min)

**Demo queries** run on the demo pool (``matchmaker/demo``, the published postings), through the
same ranking the pages use (``matching.query.search`` with the curated equivalents, those learnt
from the pool and the generic words; the field/organization/city hits of ``services.search`` need the database and are left out,
so 钢铁 on needs is checked by tests/web/test_search.py instead). Each has a check a person would
make of the first results.

**The benchmark** takes the 16,919 records of ../shared/data/achievements.jsonl as the pool and
builds queries from their author keywords: single keywords listed by 2–30 records, and pairs of
keywords listed together by 2 or more; a record is relevant when it lists every keyword of the query
as an author keyword (binary relevance). Figures: P@10 and nDCG@10 over the queries, for

* ``new``: ``matching.query.search`` (every word first, weighted by distinctiveness, then relevance);
* ``old``: the search before issue #15 (the matcher's TF-IDF relevance above a floor, then the
  records containing every keyword, in pool order).

Keywords are in the indexed text, so both find them; what differs is the order, and what comes
with them. Skips the benchmark with a message where ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from matchmaker.matching import Matcher, query  # noqa: E402
from matchmaker.matching.equivalents import Equivalents  # noqa: E402
from matchmaker.matching.rank import achievement_doc, read_jsonl  # noqa: E402

K = 10
OLD_FLOOR, OLD_RELATIVE = 0.03, 0.1  # the old search's cut of the relevance tail


def old_search(matcher: Matcher, kind: str, q: str) -> list[str]:
    """The search before issue #15: relevance first, then substring hits of every word, pool order."""
    hits = matcher.search(q, kind, k=2000)
    ranked = []
    if hits:
        floor = max(OLD_FLOOR, OLD_RELATIVE * hits[0][1])
        ranked = [key for key, score in hits if score >= floor]
    seen = set(ranked)
    return ranked + [key for key in matcher.containing(q.split()[:8], kind) if key not in seen]


def new_search(matcher: Matcher, kind: str, q: str, equivalents: Equivalents) -> list[str]:
    return query.search(matcher, kind, q, expand=lambda w: equivalents.expand(w), learn=matcher.anchored_words).ids


# -- demo queries -----------------------------------------------------------------------------------
def _has(*words):
    return lambda title: any(w in title for w in words)


def _lacks(*words):
    return lambda title: not any(w in title for w in words)


# (kind, query, what every one of the first results must satisfy, how many must there be at least, in words)
DEMO = [
    ("achievement", "氢能", _has("氢"), 2, "hydrogen postings (制氢, 氢气), none without 氢"),
    ("need", "氢能", _has("氢"), 1, "the 提氢 need"),
    ("achievement", "锂电池 正极材料", _has("电池"), 1, "batteries first; no slag, concrete, crystallisation"),
    ("achievement", "正极材料", _has("电池", "正极"), 1, "battery postings only"),
    ("need", "正极材料", None, 0, "nothing: no need holds 正极, and 材料 alone finds nothing"),
    ("achievement", "PLC", _lacks("杏仁"), 0, "never 杏仁气调冷藏"),
    ("achievement", "SCR", _lacks("RTO"), 1, "postings that say SCR, not SNCR-only wording"),
    ("achievement", "TRT", _lacks("RTO"), 0, "never the RTO posting"),
    ("need", "TRT", _has("高炉"), 1, "the 2号高炉 need that mentions TRT"),
    ("need", "SCR", _has("熟料"), 1, "the cement kiln need that mentions SCR"),
    ("achievement", "钢渣 材料", _has("渣"), 1, "slag postings; none matched by 材料 alone"),
    ("need", "高炉煤气除尘滤袋寿命短", _has("高炉", "煤气"), 1, "typed without spaces: the 2号高炉 need first"),
]


def demo_pool() -> tuple[Matcher, dict[str, dict]]:
    from matchmaker import demo

    docs = [
        dict(a, id=f"a{i}", kind="achievement")
        for i, a in enumerate(demo.records("achievement"))
        if a["status"] == "published"
    ]
    docs += [
        dict(n, id=f"n{i}", kind="need")
        for i, n in enumerate(demo.records("need"))
        if n["status"] in ("published", "fulfilled")
    ]
    return Matcher().fit(docs), {d["id"]: d for d in docs}


def run_demo(equivalents: Equivalents) -> dict:
    matcher, docs = demo_pool()
    print(f"Demo queries on the demo pool ({matcher.count('achievement')} achievements, {matcher.count('need')} needs)")
    print(f"{'kind':<12}{'query':<24}{'new':>5}{'old':>5}  new: first results (old: first result)")
    passed, rows = 0, []
    for kind, q, check, least, expected in DEMO:
        new = [docs[i]["title"] for i in new_search(matcher, kind, q, equivalents)[:3]]
        old = [docs[i]["title"] for i in old_search(matcher, kind, q)[:3]]

        def ok(titles):
            return len(titles) >= least and (not titles if check is None else all(check(t) for t in titles))

        good, was_good = ok(new), ok(old)
        passed += good
        rows.append(
            {"kind": kind, "q": q, "expected": expected, "new": new, "old": old, "pass": good, "old_pass": was_good}
        )
        print(
            f"{kind:<12}{q:<24}{'PASS' if good else 'FAIL':>5}{'pass' if was_good else 'fail':>5}  "
            f"{' | '.join(t[:18] for t in new) or '(none)'}  (old: {old[0][:18] if old else '(none)'})"
        )
    old_passed = sum(r["old_pass"] for r in rows)
    print(f"demo queries: new {passed}/{len(DEMO)} as expected, old {old_passed}/{len(DEMO)}\n")
    return {"passed": passed, "old_passed": old_passed, "total": len(DEMO), "rows": rows}


# -- the benchmark ----------------------------------------------------------------------------------
def build_queries(records: list[dict], n: int, seed: int) -> list[tuple[str, set[str]]]:
    """(query, relevant ids): n single keywords and n pairs, sampled with a fixed seed."""
    listed: dict[str, set[str]] = {}
    for r in records:
        for kw in set(r.get("keywords") or []):
            if 2 <= len(kw) <= 12 and " " not in kw:
                listed.setdefault(kw, set()).add(r["id"])
    rng = random.Random(seed)
    singles = sorted(k for k, ids in listed.items() if 2 <= len(ids) <= 30)
    pairs_count: Counter = Counter()
    for r in records:
        kws = sorted({k for k in r.get("keywords") or [] if k in listed and len(listed[k]) >= 2})
        pairs_count.update(combinations(kws, 2))
    pairs = sorted(p for p, c in pairs_count.items() if c >= 2)
    out = [(k, listed[k]) for k in rng.sample(singles, min(n, len(singles)))]
    out += [(f"{a} {b}", listed[a] & listed[b]) for a, b in rng.sample(pairs, min(n, len(pairs)))]
    return out


def precision_ndcg(ranked: list[str], relevant: set[str]) -> tuple[float, float]:
    top = ranked[:K]
    gains = [1.0 if key in relevant else 0.0 for key in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))
    return sum(gains) / K, dcg / ideal if ideal else 0.0


def run_benchmark(n: int, seed: int, equivalents: Equivalents) -> dict | None:
    if not (DATA / "achievements.jsonl").exists():
        print(f"benchmark skipped: {DATA / 'achievements.jsonl'} is absent (../shared/data is not beside the project)")
        return None
    records = read_jsonl(str(DATA / "achievements.jsonl"))
    t0 = time.perf_counter()
    matcher = Matcher().fit([achievement_doc(r) for r in records], workers=None)
    fit = time.perf_counter() - t0
    queries = build_queries(records, n, seed)
    pairs = sum(" " in q for q, _ in queries)
    print(
        f"Benchmark: {len(records)} records of ../shared/data (fit {fit:.0f} s); {len(queries)} queries "
        f"({len(queries) - pairs} single author keywords, {pairs} pairs); relevant = records listing every keyword"
    )
    results = {}
    for name, run in (
        ("new", lambda q: new_search(matcher, "achievement", q, equivalents)),
        ("old", lambda q: old_search(matcher, "achievement", q)),
    ):
        sums = {"single": [0.0, 0.0, 0], "pair": [0.0, 0.0, 0]}
        t0 = time.perf_counter()
        for q, relevant in queries:
            p, g = precision_ndcg(run(q), relevant)
            part = sums["pair" if " " in q else "single"]
            part[0] += p
            part[1] += g
            part[2] += 1
        elapsed = (time.perf_counter() - t0) / len(queries) * 1000
        results[name] = {
            kind: {"p@10": s[0] / s[2], "ndcg@10": s[1] / s[2], "queries": s[2]} for kind, s in sums.items()
        }
        results[name]["ms_per_query"] = elapsed
    print(f"{'':<8}{'P@10 single':>12}{'nDCG@10 single':>16}{'P@10 pairs':>12}{'nDCG@10 pairs':>15}{'ms/query':>10}")
    for name in ("new", "old"):
        r = results[name]
        print(
            f"{name:<8}{r['single']['p@10']:>12.3f}{r['single']['ndcg@10']:>16.3f}{r['pair']['p@10']:>12.3f}"
            f"{r['pair']['ndcg@10']:>15.3f}{r['ms_per_query']:>10.1f}"
        )
    ratio = {
        kind: results["new"][kind]["ndcg@10"] / max(results["old"][kind]["ndcg@10"], 1e-9)
        for kind in ("single", "pair")
    }
    print(f"new / old nDCG@10: single {ratio['single']:.2f}x, pairs {ratio['pair']:.2f}x")
    results["ratio_ndcg"] = ratio
    return results


SCALE_QUERIES = (
    "氢能",
    "锂电池 正极材料",
    "正极材料",
    "PLC",
    "SCR",
    "钢渣 材料",
    "高炉煤气除尘滤袋寿命短",
    "氟化",
    "钒电池",
    "芯片",
    "石墨烯 涂层",
    "催化剂",
    "稀土 永磁",
    "碳化硅",
    "膜分离 废水",
    "智能制造 MES",
    "农业",
    "5G",
)


def run_scale(size: int, equivalents: Equivalents) -> dict | None:
    """Time per query of the new search on a pool of ``size`` (bench/matching.py's synthetic records):
    the first query (which computes the index's generic words, once per index: a worker's warm-up
    does it), then three rounds of the queries above."""
    if not (DATA / "achievements.jsonl").exists():
        print("scale run skipped: ../shared/data is absent")
        return None
    sys.path.insert(0, str(ROOT / "bench"))
    from matching import synth  # bench/matching.py: the synthetic pool of the speed benchmark

    docs = synth(read_jsonl(str(DATA / "achievements.jsonl")), size)
    t0 = time.perf_counter()
    matcher = Matcher().fit(docs, workers=None)
    fit = time.perf_counter() - t0
    times = []
    for _round in range(4):
        for q in SCALE_QUERIES:
            t0 = time.perf_counter()
            new_search(matcher, "achievement", q, equivalents)
            times.append((time.perf_counter() - t0) * 1000)
    first, warm = times[0], sorted(times[len(SCALE_QUERIES) :])
    unseen = sorted(times[1 : len(SCALE_QUERIES)])  # round one: words no query has asked before
    figures = {
        "size": len(docs),
        "fit_s": fit,
        "first_ms": first,
        "unseen_p50_ms": unseen[len(unseen) // 2],
        "unseen_max_ms": unseen[-1],
        "p50_ms": warm[len(warm) // 2],
        "p99_ms": warm[min(len(warm) - 1, int(len(warm) * 0.99))],
        "max_ms": warm[-1],
    }
    print(
        f"\nScale: {len(docs):,} achievements (fit {fit:.0f} s), {len(SCALE_QUERIES)} queries: words not asked before "
        f"p50 {figures['unseen_p50_ms']:.1f} ms, max {figures['unseen_max_ms']:.1f} ms; asked again (each word's rows "
        f"remembered until the pool changes) p50 {figures['p50_ms']:.1f} ms, max {figures['max_ms']:.1f} ms; the very "
        f"first query {first:.0f} ms (the index's generic words, computed once)"
    )
    return figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=400, help="single keywords, and as many pairs")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--demo-only", action="store_true")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument(
        "--scale", type=int, metavar="N", help="also time the search on a synthetic pool of N (~1 min at 100,000)"
    )
    args = ap.parse_args(argv)
    equivalents = Equivalents.load()
    out = {"demo": run_demo(equivalents)}
    if not args.demo_only:
        out["benchmark"] = run_benchmark(args.queries, args.seed, equivalents)
    if args.scale:
        out["scale"] = run_scale(args.scale, equivalents)
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if out["demo"]["passed"] == out["demo"]["total"] else 1


if __name__ == "__main__":
    sys.exit(main())
