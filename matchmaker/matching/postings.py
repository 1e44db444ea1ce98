"""One kind's inverted index: a read-only CSC base (mmap-friendly), a small in-memory delta and tombstones.

A query only touches the posting lists (CSC columns) of its own terms, so its cost follows the
length of those lists, not the corpus size. Additions go to the delta and removals to a tombstone
set until ``compact()`` folds them into a fresh base.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


class Postings:
    """Columns = terms, rows = documents; values are BM25-saturated term frequencies in (0, 1)."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_rows: int):
        self.indptr, self.indices, self.data = indptr, indices, data
        self.n_base = int(n_rows)
        self.n_cols_base = len(indptr) - 1
        self.dead: set[int] = set()  # base rows removed since the base was built
        self._dead_arr = np.empty(0, np.int64)
        self.dead_mask = np.zeros(0, np.bool_)  # the same as a mask over the base (empty: none dead)
        self._kernel_arrays: tuple | None = None
        # Delta: rows n_base, n_base+1, ... held as (cols, vals) pairs; None once removed.
        self.rows: list[tuple[np.ndarray, np.ndarray] | None] = []
        self._delta_csc: tuple | None = None

    @classmethod
    def empty(cls) -> Postings:
        return cls(np.zeros(1, np.int64), np.empty(0, np.int32), np.empty(0, np.float32), 0)

    @classmethod
    def from_csc(cls, csc: sp.csc_matrix) -> Postings:
        csc.sort_indices()
        return cls(
            csc.indptr.astype(np.int64),
            csc.indices.astype(np.int32, copy=False),
            csc.data.astype(np.float32, copy=False),
            csc.shape[0],
        )

    # -- size and df -------------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return self.n_base + len(self.rows)

    def df(self) -> np.ndarray:
        return np.diff(self.indptr)

    # -- changes -----------------------------------------------------------------------------
    def append(self, cols: np.ndarray, vals: np.ndarray) -> int:
        self.rows.append((cols.astype(np.int64), vals.astype(np.float32)))
        self._delta_csc = None
        return self.n_base + len(self.rows) - 1

    def kill(self, row: int) -> None:
        if row < self.n_base:
            self.dead.add(row)
            self._dead_arr = np.fromiter(self.dead, np.int64, len(self.dead))
            if not len(self.dead_mask):
                self.dead_mask = np.zeros(self.n_base, np.bool_)
            self.dead_mask[row] = True
        else:
            self.rows[row - self.n_base] = None
            self._delta_csc = None

    def _delta(self):
        """The live delta rows as a small CSC over the columns they use (rebuilt after a change)."""
        if self._delta_csc is None:
            live = [(i, r) for i, r in enumerate(self.rows) if r is not None]
            if not live:
                self._delta_csc = ({}, None)
            else:
                cols = np.concatenate([r[0] for _, r in live])
                uniq, local = np.unique(cols, return_inverse=True)
                rows = np.repeat([i for i, _ in live], [len(r[0]) for _, r in live])
                vals = np.concatenate([r[1] for _, r in live])
                m = sp.csc_matrix((vals, (rows, local)), shape=(len(self.rows), len(uniq)))
                m.sort_indices()
                self._delta_csc = (dict(zip(uniq.tolist(), range(len(uniq)))), m)
        return self._delta_csc

    # -- scoring -----------------------------------------------------------------------------
    def kernel_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, data) of the base as read-only plain arrays, for ``kernel.top_base``."""
        if self._kernel_arrays is None:
            from .kernel import readonly

            self._kernel_arrays = tuple(readonly(a) for a in (self.indptr, self.indices, self.data))
        return self._kernel_arrays

    def df_in_mask(self, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Per column, how many base postings fall in rows where ``rows`` (a bool mask) is set."""
        out = np.zeros(len(cols), np.int64)
        inb = np.flatnonzero(cols < self.n_cols_base)
        if not self.n_base or not len(inb):
            return out
        lo, hi = self.indptr[cols[inb]], self.indptr[cols[inb] + 1]
        if int((hi - lo).sum()):
            idx = np.concatenate([self.indices[a:b] for a, b in zip(lo.tolist(), hi.tolist())])
            out[inb] = np.bincount(np.repeat(np.arange(len(inb)), hi - lo), rows[idx], minlength=len(inb))
        return out

    def score_delta(self, cols: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rows, text scores) of the live rows added since the base was built that share a term with the
        query: sum of weight * value (the base's rows are scored by ``kernel.top_base``)."""
        if self.rows:
            colmap, m = self._delta()
            if m is not None:
                acc = np.zeros(len(self.rows))
                for c, w in zip(cols.tolist(), weights.tolist()):
                    j = colmap.get(c)
                    if j is not None:
                        a, b = m.indptr[j], m.indptr[j + 1]
                        acc[m.indices[a:b]] += w * m.data[a:b]
                r = np.flatnonzero(acc)
                return r + self.n_base, acc[r]
        return np.empty(0, np.int64), np.empty(0)

    def values(self, rows: list[int], cols: list[int]) -> np.ndarray:
        """``[[value(r, c) for c in cols] for r in rows]`` as float32, one binary search per column."""
        out = np.zeros((len(rows), len(cols)), np.float32)
        base = [i for i, r in enumerate(rows) if r < self.n_base]
        rb = np.array([rows[i] for i in base], np.int64)
        for j, col in enumerate(cols):
            if len(rb) and col < self.n_cols_base:
                a, b = int(self.indptr[col]), int(self.indptr[col + 1])
                seg = self.indices[a:b]
                at = np.searchsorted(seg, rb).clip(0, max(b - a - 1, 0))
                hit = seg[at] == rb if b > a else np.zeros(len(rb), bool)
                out[np.array(base)[hit], j] = self.data[a + at[hit]]
            for i, r in enumerate(rows):
                if r >= self.n_base:
                    out[i, j] = self.value(r, col)
        return out

    def value(self, row: int, col: int) -> float:
        """One stored value (0.0 if absent): used to explain a suggestion term by term."""
        if row < self.n_base:
            if col >= self.n_cols_base:
                return 0.0
            a, b = int(self.indptr[col]), int(self.indptr[col + 1])
            seg = self.indices[a:b]
            i = int(np.searchsorted(seg, row))
            return float(self.data[a + i]) if i < len(seg) and seg[i] == row else 0.0
        r = self.rows[row - self.n_base]
        if r is None:
            return 0.0
        hit = np.flatnonzero(r[0] == col)
        return float(r[1][hit[0]]) if len(hit) else 0.0

    # -- compaction --------------------------------------------------------------------------
    def permuted(self, perm: np.ndarray) -> Postings:
        """The base with its rows renumbered: new row i is old row ``perm[i]`` (no delta, no dead rows)."""
        inv = np.empty(self.n_base, np.int32)
        inv[perm] = np.arange(self.n_base, dtype=np.int32)
        data, indptr = np.array(self.data), np.array(self.indptr)  # sorted in place: the base may be read-only
        csc = sp.csc_matrix((data, inv[self.indices], indptr), shape=(self.n_base, self.n_cols_base))
        csc.has_sorted_indices = False
        return Postings.from_csc(csc)

    def compacted(self, n_cols: int) -> tuple[Postings, np.ndarray]:
        """A new base holding the live rows (base then delta) and the old row number of each.

        Works column-wise on the CSC arrays (no CSR round trip): about two copies of the base at peak.
        """
        alive = np.ones(self.n_base, bool)
        if self.dead:
            alive[self._dead_arr] = False
        n_alive = int(alive.sum())
        itype = np.int32 if len(self.indices) < 2**31 else np.int64
        if self.dead:
            keep = alive[self.indices]
            filled = np.zeros(len(keep) + 1, itype)
            np.cumsum(keep, out=filled[1:])
            indptr = filled[self.indptr]
            del filled
            renumber = (np.cumsum(alive) - 1).astype(np.int32)
            indices, data = renumber[self.indices[keep]], self.data[keep]
            del keep
        else:
            indptr, indices, data = self.indptr, self.indices, self.data
        indptr = np.concatenate([indptr, np.full(n_cols - self.n_cols_base, indptr[-1], indptr.dtype)])
        base = sp.csc_matrix((data, indices, indptr), shape=(n_alive, n_cols))
        live = [(i, r) for i, r in enumerate(self.rows) if r is not None]
        old = np.concatenate([np.flatnonzero(alive), self.n_base + np.array([i for i, _ in live], np.int64)])
        if live:
            cols = np.concatenate([r[0] for _, r in live])
            vals = np.concatenate([r[1] for _, r in live])
            rows = n_alive + np.repeat(np.arange(len(live)), [len(r[0]) for _, r in live])
            base.resize((n_alive + len(live), n_cols))
            base = base + sp.csc_matrix((vals, (rows, cols)), shape=base.shape)
        return Postings.from_csc(sp.csc_matrix(base)), old.astype(np.int64)
