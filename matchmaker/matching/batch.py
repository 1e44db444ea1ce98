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
    m, docs, k = _STATE["job"]
    return [m.query(d, k=k) for d in docs[bounds[0] : bounds[1]]]


def query_many(matcher, docs: list[dict], k: int = 10, workers: int | None = None) -> list[list[tuple[str, float]]]:
    """``[matcher.query(d, k) for d in docs]``, computed by up to ``workers`` processes (default: cores)."""
    docs = list(docs)
    workers = min(workers or os.cpu_count() or 1, max(1, len(docs) // 200))
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return [matcher.query(d, k=k) for d in docs]
    step = -(-len(docs) // (workers * 4))
    parts = [(s, min(s + step, len(docs))) for s in range(0, len(docs), step)]
    _STATE["job"] = (matcher, docs, k)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return [r for chunk in pool.map(_work, parts) for r in chunk]
    finally:
        _STATE.pop("job", None)
