"""Save and load an index as .npy arrays (memory-mapped read-only on load) plus one small JSON file.

Several gunicorn workers that load the same directory share the pages of the big arrays. A save
writes a sibling temporary directory and renames it into place, so a crash mid-save leaves the
previous index intact.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np

from .config import MatchConfig
from .corpus import Corpus
from .postings import Postings
from .rerank import COLUMNS, Table
from .substring import Grams

FORMAT = 3  # 2: substring recall (gram lists) beside the postings; 3: bigrams hashed by HashingVectorizer
_ARRAYS = ("indptr", "indices", "data", "idf", "sorted_ids", "order", "pos", "title_blob", "title_off")


def save(m, path) -> None:
    path = Path(path)
    if any(c.postings.rows or c.postings.dead for c in m._kinds.values()):
        m.compact()
    tmp = path.with_name(f"{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    tmp.mkdir(parents=True)
    try:
        meta = {
            "format": FORMAT,
            "config": m.config.to_dict(),
            "bits": m._bits,
            "fields": m._fields,
            "extra": m._extra,
            "kinds": {},
        }
        np.save(tmp / "words.npy", m._words)
        for kind, c in m._kinds.items():
            p = c.postings
            arrays = {
                "indptr": p.indptr,
                "indices": p.indices,
                "data": p.data,
                "idf": c.idf,
                "sorted_ids": c.sorted_ids,
                "order": c.order,
                "pos": c.pos,
                "title_blob": c.titles[0],
                "title_off": c.titles[1],
                **{f"gram_{name}": getattr(c.grams, name) for name in Grams.ARRAYS},
            }
            arrays.update({f"meta_{k}": v for k, v in c.table.base.items()})
            for name, arr in arrays.items():
                np.save(tmp / f"{kind}.{name}.npy", np.ascontiguousarray(arr))
            meta["kinds"][kind] = {"n_rows": p.n_base, "avgdl": list(c.avgdl)}
        with open(tmp / "meta.json", "w", encoding="utf-8") as f:
            json.dump(meta, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        old = None
        if path.exists():
            old = path.with_name(f"{path.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(path, old)
        os.rename(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load(cls, path, mmap: bool = True):
    path = Path(path)
    if not (path / "meta.json").exists():  # a crash between the two renames of save()
        olds = sorted(path.parent.glob(f"{path.name}.old-*"), key=lambda p: p.stat().st_mtime)
        if not olds:
            raise FileNotFoundError(f"no matcher index at {path}")
        path = olds[-1]
    with open(path / "meta.json", encoding="utf-8") as f:
        meta = json.load(f)
    if meta.get("format") != FORMAT:
        raise ValueError(f"unsupported index format {meta.get('format')!r}")
    mode = "r" if mmap else None

    def arr(name):  # a plain ndarray view of the map: indexing a np.memmap goes through Python code
        return np.asarray(np.load(path / f"{name}.npy", mmap_mode=mode))

    m = cls(MatchConfig.from_dict(meta["config"]))
    m._bits = int(meta["bits"])
    m._words = arr("words")
    m._fields = list(meta["fields"])
    m._field_ids = {f: i for i, f in enumerate(m._fields)}
    m._extra = {w: int(c) for w, c in meta["extra"].items()}
    for kind, info in meta["kinds"].items():
        a = {name: arr(f"{kind}.{name}") for name in _ARRAYS}
        postings = Postings(a["indptr"], a["indices"], a["data"], info["n_rows"])
        table = Table({k: arr(f"{kind}.meta_{k}") for k in COLUMNS})
        grams = Grams(*(arr(f"{kind}.gram_{name}") for name in Grams.ARRAYS))
        m._kinds[kind] = Corpus(
            kind,
            postings,
            table,
            a["sorted_ids"],
            a["order"],
            a["pos"],
            (a["title_blob"], a["title_off"]),
            tuple(info["avgdl"]),
            idf=a["idf"],
            grams=grams,
        )
    return m
