"""The matcher of this tree against another revision's, on the same corpus, in alternating runs.

    python bench/ab.py --base e885b65 [--size 100000] [--pairs 3]

The cores' speed drifts between runs (by up to 1.5× here), so one run of each version compares the
machine as much as the code. This checks the base revision out in a temporary ``git worktree``, then
runs a sample of each version in a fresh process, alternately, ``--pairs`` times: a fit of the
synthetic corpus of ``bench/matching.py`` (wall, and CPU with the forked segmenters), the p50 of
``query`` (best of three medians over the dev needs) and of ``add()`` (300 postings). It prints every
pair and the medians with their ratio. Skips with a message if ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FIGURES = ("fit_wall_s", "fit_cpu_s", "query_p50_ms", "add_p50_ms")


def sample(tree: Path, size: int) -> dict:
    """One version's figures, in this process (``tree``'s matcher, this tree's corpus generator)."""
    sys.path.insert(0, str(tree))
    import numpy as np  # noqa: I001

    from matchmaker.matching import Matcher  # imported first: the bench module below finds it loaded
    from matchmaker.matching.matcher import _load_kernel
    from matchmaker.matching.rank import need_doc, read_jsonl

    sys.path.insert(1, str(ROOT / "bench"))
    from matching import synth

    docs = synth(read_jsonl(str(DATA / "achievements.jsonl")), size)
    needs = [need_doc(r) for r in read_jsonl(str(DATA / "needs_dev.jsonl"))]
    _load_kernel()  # compiled (or loaded from numba's cache) before the fit is timed

    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    t, c = time.perf_counter(), cpu()
    m = Matcher().fit(docs, workers=None)
    fit_wall, fit_cpu = time.perf_counter() - t, cpu() - c

    def p50(fn, items) -> float:
        out = []
        for item in items:
            t = time.perf_counter()
            fn(item)
            out.append(time.perf_counter() - t)
        return float(np.median(out) * 1000)

    qs = [needs[i % len(needs)] for i in range(2000)]
    for q in qs[:300]:
        m.query(q)
    query = min(p50(lambda q: m.query(q, k=10), qs) for _ in range(3))
    added = [dict(docs[j * 7919 % len(docs)], id=f"AB-{j}") for j in range(300)]
    add = p50(m.add, added)
    return dict(zip(FIGURES, (fit_wall, fit_cpu, query, add)))


def run(tree: Path, size: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--sample", str(tree), "--size", str(size)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="the revision to compare with (a commit, branch or tag)")
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--sample", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not (DATA / "achievements.jsonl").exists():
        print(f"SKIP: benchmark data not found at {DATA}")
        return 0
    if args.sample:
        print(json.dumps(sample(Path(args.sample), args.size)))
        return 0
    if not args.base:
        ap.error("--base is required")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), args.base], cwd=ROOT, check=True)
        try:
            rows = {"this tree": [], args.base: []}
            for i in range(args.pairs):
                for name, tree in (("this tree", ROOT), (args.base, base)):
                    rows[name].append(run(tree, args.size))
                    print(f"pair {i + 1} {name:>12}: " + "  ".join(f"{k} {v:.3f}" for k, v in rows[name][-1].items()))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    print(f"\n## {args.size:,} postings, {args.pairs} alternating pairs (medians)\n")
    print(f"| figure | this tree | {args.base} | ratio |\n|---|---|---|---|")
    for key in FIGURES:
        ours, theirs = (statistics.median(r[key] for r in rows[n]) for n in rows)
        print(f"| {key} | {ours:.3f} | {theirs:.3f} | {ours / theirs:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
