"""Everything the matcher keeps about one kind of posting: postings, structured rows, ids, titles, idf.

Base arrays may be read-only memory maps shared by worker processes; anything added after the base
was built lives in small Python-side structures until the next compaction.
"""

from __future__ import annotations

import math

import numpy as np

from . import kernel
from .build import bm25_idf
from .postings import Postings
from .rerank import Table
from .substring import Grams, blob

MEMO_MAX = 200_000  # memoised (field, column) idf values per field before the memo starts over


class Corpus:
    """One kind: row numbers are internal; ids are the caller's strings."""

    def __init__(
        self,
        kind: str,
        postings: Postings,
        table: Table,
        sorted_ids: np.ndarray,
        order: np.ndarray,
        pos: np.ndarray,
        titles: tuple[np.ndarray, np.ndarray],
        avgdl: tuple[float, float],
        idf: np.ndarray | None = None,
        grams: Grams | None = None,
    ):
        self.kind = kind
        self.grams = grams or Grams.empty()  # substring recall (keywords contained in the text)
        self.postings, self.table = postings, table
        self.sorted_ids, self.order, self.pos = sorted_ids, order, pos
        self.titles = titles
        self.avgdl = avgdl
        self.idf = self._idf() if idf is None else idf
        self.delta_ids: list[str] = []
        self.delta_titles: list[str] = []
        self.where: dict[str, int] = {}  # id -> row, for rows added since the base was built
        self.generation = 0  # counts changes: what is remembered about the rows is valid for one generation
        self.term_rows: dict[tuple, tuple[int, np.ndarray]] = {}  # (term, whole token) -> (generation, rows)
        self.count = postings.n_base - len(postings.dead)
        self._field_ranges: dict[int, tuple[int, int]] = {}  # field -> its base rows [lo, hi)
        # (field, prior) -> {column: idf within the field}: a pure function of the base, which does
        # not change until compaction makes a new Corpus (words added since weigh the fixed unseen idf).
        self._field_idf_memo: dict[tuple[int, float], dict[int, float]] = {}

    @classmethod
    def create(
        cls,
        kind,
        postings: Postings,
        table: Table,
        ids: list[str],
        titles: list[str],
        avgdl,
        idf: np.ndarray | None = None,
        grams: Grams | None = None,
    ) -> Corpus:
        arr = np.array(ids, dtype=str) if ids else np.empty(0, "<U1")
        order = np.argsort(arr, kind="stable")
        pos = np.empty(len(arr), np.int64)
        pos[order] = np.arange(len(arr))
        return cls(kind, postings, table, arr[order], order.astype(np.int64), pos, blob(titles), avgdl, idf, grams)

    # -- idf ---------------------------------------------------------------------------------
    def _idf(self) -> np.ndarray:
        return bm25_idf(self.postings.df(), self.postings.n_base - len(self.postings.dead))

    def idf_of(self, cols: np.ndarray) -> np.ndarray:
        """idf per column (0 for a bigram dropped by max_df); a term never seen weighs as if seen once."""
        if not len(self.idf):
            return np.full(len(cols), self.unseen_idf(), np.float32)
        out = self.idf.take(cols, mode="clip")
        if len(cols) and cols.max() >= len(self.idf):  # words added since the base was built
            out[cols >= len(self.idf)] = self.unseen_idf()
        return out

    def field_idf_of(self, cols: np.ndarray, field: int, prior: float) -> np.ndarray:
        """idf per column among the base postings of one field, smoothed toward the global idf.

        The global BM25 idf is log(1/q) with q = (df + 0.5) / (n + 1); within the field, q becomes
        (df_field + prior * q) / (n_field + prior): a field with few postings keeps about the global idf.
        Compiled (``kernel.field_idf``), memoised per (field, prior, column) on the immutable base.
        """
        p = self.postings
        if field < 0 or prior <= 0 or not p.n_base:
            return self.idf_of(cols).astype(np.float64)
        memo = self._field_idf_memo.setdefault((field, prior), {})
        keys = cols.tolist()
        known = list(map(memo.get, keys))
        if None not in known:
            return np.array(known)
        idf = self.idf_of(cols).astype(np.float64)
        out = np.empty(len(cols))
        if not self.table.field_sorted:  # a base whose rows are not grouped by field (not saved since format 3)
            in_field = self.table.base["field"][: p.n_base] == field
            kernel.smoothed_idf(p.df_in_mask(cols, in_field), int(in_field.sum()), idf, float(prior), out)
            return out
        lo, hi = self._field_rows(field)
        indptr, indices, _data = p.kernel_arrays()
        kernel.field_idf(indptr, indices, cols, idf, lo, hi, float(prior), out)
        if len(memo) > MEMO_MAX:
            memo.clear()
        memo.update(zip(keys, out.tolist()))
        return out

    def _field_rows(self, field: int) -> tuple[int, int]:
        rows = self._field_ranges.get(field)
        if rows is None:
            f = self.table.base["field"][: self.postings.n_base]
            rows = self._field_ranges[field] = (int(np.searchsorted(f, field)), int(np.searchsorted(f, field, "right")))
        return rows

    def unseen_idf(self) -> float:
        n = max(self.postings.n_base, 1)
        return math.log1p((n - 1 + 0.5) / 1.5)

    # -- ids ---------------------------------------------------------------------------------
    def row_of(self, id_: str) -> int | None:
        r = self.where.get(id_)
        if r is not None:
            return r
        n = len(self.sorted_ids)
        if not n:
            return None
        i = int(np.searchsorted(self.sorted_ids, id_))
        if i < n and self.sorted_ids[i] == id_:
            r = int(self.order[i])
            return None if r in self.postings.dead else r
        return None

    def rows_of(self, ids) -> np.ndarray:
        """``row_of`` for many ids at once (thousands, in one search): the live rows, ascending."""
        rows, rest = [], []
        for id_ in ids:  # rows added since the base: a small dict
            r = self.where.get(id_)
            (rest if r is None else rows).append(id_ if r is None else r)
        found = np.array(rows, np.int64)
        n = len(self.sorted_ids)
        if rest and n:
            wanted = np.asarray(rest)
            at = np.minimum(np.searchsorted(self.sorted_ids, wanted), n - 1)
            base = self.order[at[self.sorted_ids[at] == wanted]].astype(np.int64)
            if self.postings.dead:
                base = base[~np.isin(base, np.fromiter(self.postings.dead, np.int64))]
            found = np.concatenate([found, base])
        return np.unique(found)

    def id_at(self, row: int) -> str:
        if row < self.postings.n_base:
            return str(self.sorted_ids[self.pos[row]])
        return self.delta_ids[row - self.postings.n_base]

    def ids_at(self, rows: list[int]) -> list[str]:
        """``[id_at(r) for r in rows]`` with one numpy lookup for the base rows."""
        if not len(rows):
            return []
        rows = np.asarray(rows, np.int64)
        n_base = self.postings.n_base
        base = rows < n_base
        if base.all():
            return self.sorted_ids[self.pos[rows]].tolist()
        out = np.empty(len(rows), object)  # base rows in one lookup, the (few) rows added since one by one
        out[base] = self.sorted_ids[self.pos[rows[base]]].tolist()
        out[~base] = [self.delta_ids[r - n_base] for r in rows[~base].tolist()]
        return out.tolist()

    def title_at(self, row: int) -> str | None:
        if row < self.postings.n_base:
            blob, off = self.titles
            t = bytes(blob[off[row] : off[row + 1]]).decode("utf-8")
        else:
            t = self.delta_titles[row - self.postings.n_base]
        return t or None

    # -- changes -----------------------------------------------------------------------------
    def add(self, id_: str, cols, vals, row: dict, title: str, text: str = "") -> None:
        self.remove(id_)
        self.generation += 1
        r = self.postings.append(cols, vals)
        self.grams.add(r, text)
        self.table.append(row)
        self.delta_ids.append(id_)
        self.delta_titles.append(title or "")
        self.where[id_] = r
        self.count += 1

    def remove(self, id_: str) -> bool:
        r = self.row_of(id_)
        if r is None:
            return False
        self.generation += 1
        self.postings.kill(r)
        self.where.pop(id_, None)
        self.count -= 1
        return True

    def rows_containing(self, terms: list[str]) -> np.ndarray:
        """Live rows whose text contains every term (see ``substring``), ascending."""
        rows = self.grams.candidates(terms)
        p = self.postings
        if len(rows) and len(p.dead_mask):
            base = rows < p.n_base
            rows = rows[~(base & p.dead_mask[np.minimum(rows, p.n_base - 1)])]
        if len(rows) and p.rows and rows[-1] >= p.n_base:
            gone = np.array([r is None for r in p.rows] + [False])
            rows = rows[~gone[np.clip(rows - p.n_base, -1, len(p.rows))]]
        return self.grams.verified(rows, terms)

    def compacted(self, n_cols: int) -> Corpus:
        """A fresh base with the delta folded in and tombstoned rows gone; idf recomputed."""
        postings, old = self.postings.compacted(n_cols)
        field = self.table.take("field", old)
        if len(field) > 1 and (field[1:] < field[:-1]).any():  # keep the base rows grouped by field
            perm = np.argsort(field, kind="stable")
            postings, old = postings.permuted(perm), old[perm]
        nb = self.postings.n_base
        ids = [self.delta_ids[r - nb] if r >= nb else None for r in old.tolist()]
        base = np.flatnonzero(old < nb)
        for i, x in zip(base.tolist(), self.sorted_ids[self.pos[old[base]]].tolist()):
            ids[i] = x
        titles = [self.title_at(int(r)) or "" for r in old]
        grams = self.grams.remapped(old, nb)
        c = Corpus.create(self.kind, postings, self.table.reorder(old), ids, titles, self.avgdl, grams=grams)
        c.idf[: len(self.idf)][self.idf == 0] = 0.0  # bigrams dropped by max_df stay dropped
        return c
