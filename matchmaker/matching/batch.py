"""All-pairs matching (e.g. top suggestions for every open need) split over forked worker processes.

One query takes a fraction of a millisecond, much of it Python (segmentation, arguments) that holds
the GIL, so threads help little even though the compiled kernel releases it; forked children share
the index pages copy-on-write and send back only (id, score) lists.
"""

from __future__ import annotations

import multiprocessing as mp
import os

_STATE: dict = {}


def _work(bounds):
    fn, items = _STATE["job"]
    return [fn(x) for x in items[bounds[0] : bounds[1]]]


def map_many(fn, items: list, workers: int | None = None) -> list:
    """``[fn(x) for x in items]``, computed by up to ``workers`` forked processes (default: cores).

    ``fn`` and ``items`` reach the children by the fork itself (nothing is pickled on the way in),
    so ``fn`` may close over a matcher; only the results travel back.
    """
    items = list(items)
    workers = min(workers or os.cpu_count() or 1, max(1, len(items) // 200))
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [fn(x) for x in items]
    step = -(-len(items) // (workers * 4))
    parts = [(s, min(s + step, len(items))) for s in range(0, len(items), step)]
    _STATE["job"] = (fn, items)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return [r for chunk in pool.map(_work, parts) for r in chunk]
    finally:
        _STATE.pop("job", None)


def query_many(matcher, docs: list[dict], k: int = 10, workers: int | None = None) -> list[list[tuple[str, float]]]:
    """``[matcher.query(d, k) for d in docs]``, computed by up to ``workers`` processes (default: cores)."""
    return map_many(lambda d: matcher.query(d, k=k), docs, workers)
