"""Substring recall from the index: which postings contain every keyword, without scanning their text.

Each kind keeps an inverted list per character unigram and bigram ("gram") of its normalised text
(title, keywords and every body field; NFKC and lower case, so ＰＬＣ finds plc): the sorted rows of
the postings that contain it. A keyword of one character is answered by that character's list, one
of two characters by its bigram's list (exact); a longer one by the rows holding every bigram of it
(锂电池 → 锂电 ∩ 电池, shortest list first), whose text is then checked for the whole keyword (the
normalised texts are stored beside the lists), since 锂电 and 电池 may well sit apart. Whatever the
segmenter made of the text, 电池 finds 锂电池; a query reads a few lists and the texts of its
candidates, never every posting.

The base is a few arrays (sorted gram keys, offsets, rows; the text blob and its offsets), saved
beside the postings and memory-mapped like them; postings added since hold their grams and text in
dicts until the next compaction. Rows are the corpus' own row numbers, so tombstones, ids and
compaction are the corpus'. The lists can later carry more (whole Latin tokens, field and
organization names) as more keys of the same arrays.
"""

from __future__ import annotations

import multiprocessing as mp

import numpy as np

from .text import normalise

TEXT_FIELDS = (
    "title",
    "keywords",
    "summary",
    "problem",
    "description",
    "advantages",
    "applications",
    "key_points",
    "goals",
)
_SHIFT = 21  # a code point fits in 21 bits: bigram key = first << 21 | second; unigram key = char << 21
CHUNK = 1 << 14
REMAP_BLOCK = 1 << 24  # entries renumbered per pass when a corpus is compacted


def doc_text(doc: dict) -> str:
    """Everything a keyword may be found in, normalised, fields separated by newlines."""
    parts = []
    for name in TEXT_FIELDS:
        value = doc.get(name)
        if isinstance(value, (list, tuple)):
            value = "\n".join(str(v) for v in value if v)
        if value:
            parts.append(normalise(str(value)))
    return "\n".join(parts)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: a sort and a comparison (numpy 2's hash-based ``unique`` is ~10x
    slower on millions of int64)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.int64)


def _grams_at(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, key) of every unigram and bigram of code points ``cp``; spaces and controls break them."""
    ok = cp > 32
    uni = np.flatnonzero(ok)
    bi = np.flatnonzero(ok[:-1] & ok[1:]) if len(cp) > 1 else np.empty(0, np.int64)
    keys = np.concatenate([cp[uni] << _SHIFT, (cp[bi] << _SHIFT) | cp[bi + 1]])
    return np.concatenate([uni, bi]), keys


def text_keys(text: str) -> np.ndarray:
    """The distinct gram keys of one (normalised) text, sorted."""
    return _distinct(_grams_at(_codes(text))[1]) if text else np.empty(0, np.int64)


def clean_term(term: str) -> str:
    """A keyword as the texts are stored: normalised, without spaces or control characters."""
    return "".join(ch for ch in normalise(str(term)) if ord(ch) > 32)


def term_keys(term: str) -> np.ndarray:
    """What a keyword requires: its character if it has one, else each of its bigrams (sorted, distinct)."""
    cp = _codes(clean_term(term))
    if not len(cp):
        return np.empty(0, np.int64)
    if len(cp) == 1:
        return cp << _SHIFT
    return _distinct((cp[:-1] << _SHIFT) | cp[1:])


def _chunk_keys(texts: list[str]) -> np.ndarray:
    """The distinct gram keys of a chunk of texts, sorted (characters by a mask, bigrams by a sort)."""
    cp = _codes("\n".join(texts))
    ok = cp > 32
    chars = np.zeros(1 << _SHIFT, np.bool_)
    chars[cp[ok]] = True
    bi = np.flatnonzero(ok[:-1] & ok[1:]) if len(cp) > 1 else np.empty(0, np.int64)
    return np.concatenate(
        [np.flatnonzero(chars).astype(np.int64) << _SHIFT, _distinct((cp[bi] << _SHIFT) | cp[bi + 1])]
    )


def _chunk_entries(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(keys sorted, then rows ascending; rows within the chunk) of the distinct grams of each text."""
    joined = "\n".join(texts)  # a newline is no gram character: nothing spans two texts
    if not joined:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pos, keys = _grams_at(_codes(joined))
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), [len(t) + 1 for t in texts])[pos]
    packed = _distinct((keys << 14) | doc)  # CHUNK = 2**14 texts: key and row in one sortable int64
    return packed >> 14, packed & (CHUNK - 1)


_JOB: dict = {}


def _keys_of(bounds: tuple[int, int]) -> np.ndarray:
    """First pass, one chunk: its distinct gram keys."""
    return _chunk_keys(_JOB["texts"][bounds[0] : bounds[1]])


def _rows_of(bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Second pass, one chunk: (position of each key among all keys, row within the chunk) of its entries."""
    k, r = _chunk_entries(_JOB["texts"][bounds[0] : bounds[1]])
    return np.searchsorted(_JOB["keys"], k).astype(np.int32), r.astype(np.int16)


def _map(fn, ranges: list, workers: int) -> list:
    """``[fn(r) for r in ranges]``, by up to ``workers`` forked processes when there are several chunks."""
    if workers <= 1 or len(ranges) < 2 or "fork" not in mp.get_all_start_methods():
        return [fn(r) for r in ranges]
    with mp.get_context("fork").Pool(min(workers, len(ranges))) as pool:
        return pool.map(fn, ranges)


def blob(items: list) -> tuple[np.ndarray, np.ndarray]:
    """Strings (or their UTF-8 bytes) as one byte array and offsets: what a memory map holds well."""
    enc = [t if isinstance(t, bytes) else t.encode("utf-8") for t in items]
    off = np.zeros(len(enc) + 1, np.int64)
    np.cumsum([len(e) for e in enc], out=off[1:])
    return np.frombuffer(b"".join(enc), np.uint8).copy(), off


class Grams:
    """One kind's gram lists and texts: a read-only base (mmap-friendly) and the rows added since."""

    ARRAYS = ("keys", "offsets", "rows", "blob", "blob_off")

    def __init__(self, keys: np.ndarray, offsets: np.ndarray, rows: np.ndarray, blob: np.ndarray, blob_off: np.ndarray):
        self.keys, self.offsets, self.rows = keys, offsets, rows
        self.blob, self.blob_off = blob, blob_off
        self.delta: dict[int, list[int]] = {}
        self.delta_texts: dict[int, bytes] = {}

    @classmethod
    def empty(cls) -> Grams:
        return cls.build([])

    @classmethod
    def build(cls, texts: list[str], workers: int = 1) -> Grams:
        """The lists of ``texts`` (row i = texts[i]), built chunk by chunk in two passes (the distinct
        keys, then each chunk's rows scattered into place), so the peak is the result plus the chunks'
        (key, row) pairs at 6 bytes each. With ``workers`` > 1 the chunks are cut by forked processes
        (the pieces are the same, assembled here in chunk order: the same lists); keep 1 where other
        threads of the process may hold locks (a web worker's background refit)."""
        ranges = [(s, min(s + CHUNK, len(texts))) for s in range(0, len(texts), CHUNK)]
        _JOB["texts"] = texts
        try:
            keys = _distinct(np.concatenate(_map(_keys_of, ranges, workers))) if ranges else np.empty(0, np.int64)
            _JOB["keys"] = keys  # the second pass's workers are forked after this: they inherit it
            parts = _map(_rows_of, ranges, workers)
        finally:
            _JOB.clear()
        counts = np.zeros(len(keys), np.int64)
        for g, _r in parts:
            counts += np.bincount(g, minlength=len(keys))
        offsets = np.zeros(len(keys) + 1, np.int64)
        np.cumsum(counts, out=offsets[1:])
        out = np.empty(int(offsets[-1]), np.int32)
        cursor = offsets[:-1].copy()
        for n, (g, r) in enumerate(parts):  # scatter each chunk's rows into place, in chunk order
            run = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
            within = np.arange(len(g)) - np.repeat(run, np.diff(np.r_[run, len(g)]))
            out[cursor[g] + within] = r.astype(np.int32) + n * CHUNK
            cursor += np.bincount(g, minlength=len(keys))
            parts[n] = None
        return cls(keys, offsets, out, *blob(texts))

    def add(self, row: int, text: str) -> None:
        for key in text_keys(text).tolist():
            self.delta.setdefault(key, []).append(row)
        self.delta_texts[row] = text.encode("utf-8")

    def text_at(self, row: int) -> bytes:
        if row < len(self.blob_off) - 1:
            return bytes(self.blob[int(self.blob_off[row]) : int(self.blob_off[row + 1])])
        return self.delta_texts.get(row, b"")

    def rows_of(self, key: int) -> np.ndarray:
        """Rows holding gram ``key``: base rows then added rows, ascending (dead rows included)."""
        i = int(np.searchsorted(self.keys, key))
        base = (
            self.rows[int(self.offsets[i]) : int(self.offsets[i + 1])]
            if i < len(self.keys) and self.keys[i] == key
            else self.rows[:0]
        )
        added = self.delta.get(key)
        return np.concatenate([base, np.array(added, np.int64)]) if added else base.astype(np.int64)

    def candidates(self, terms: list[str]) -> np.ndarray:
        """Rows holding every gram the terms require (shortest lists intersected first), ascending."""
        required = [term_keys(t) for t in terms]
        wanted = _distinct(np.concatenate(required)) if required else np.empty(0, np.int64)
        if not len(wanted):
            return np.empty(0, np.int64)
        lists = sorted((self.rows_of(k) for k in wanted.tolist()), key=len)
        found = lists[0]
        for other in lists[1:]:
            if not len(found):
                break
            found = np.intersect1d(found, other, assume_unique=True)
        return found

    def verified(self, rows: np.ndarray, terms: list[str]) -> np.ndarray:
        """The rows whose text contains every term of three characters or more (shorter ones are
        exact from their lists alone)."""
        needles = [t.encode("utf-8") for t in map(clean_term, terms) if len(t) > 2]
        if not needles or not len(rows):
            return rows
        text_at = self.text_at
        return np.array([r for r in rows.tolist() if all(n in text_at(r) for n in needles)], np.int64)

    def remapped(self, old: np.ndarray, n_base: int) -> Grams:
        """The lists for a compacted corpus whose row i was row ``old[i]`` (rows not in ``old`` dropped).

        Keys are taken a block of about ``REMAP_BLOCK`` entries at a time (their rows renumbered,
        the added rows appended, sorted per key), so beside the old and new lists the peak is one
        block's scratch: a million postings hold ~5·10^8 entries, which whole-array sorts multiplied.
        """
        delta_keys = [k for k, rs in self.delta.items() for _ in rs]
        delta_rows = [r for rs in self.delta.values() for r in rs]
        size = max(n_base, int(old.max()) + 1 if len(old) else 0, max(delta_rows, default=-1) + 1)
        new_of = np.full(size, -1, np.int64)  # added rows with no gram (an empty text) are in ``old`` only
        new_of[old] = np.arange(len(old))
        dk, dr = np.array(delta_keys, np.int64), new_of[np.array(delta_rows, np.int64)]
        dk, dr = dk[dr >= 0], dr[dr >= 0]
        keys = _distinct(np.concatenate([self.keys, dk]))
        base_at = np.searchsorted(keys, self.keys)  # each base key's place among all keys
        first_base = np.searchsorted(self.keys, keys)  # the base keys before each key: its base range starts there
        by_key = np.argsort(np.searchsorted(keys, dk), kind="stable")
        dk, dr = dk[by_key], dr[by_key]
        dstart = np.searchsorted(dk, keys)
        per_key = np.zeros(len(keys), np.int64)
        per_key[base_at] = np.diff(self.offsets)
        per_key += np.diff(np.r_[dstart, len(dk)])
        bound = np.cumsum(per_key)
        out = np.empty(int(bound[-1]) if len(bound) else 0, np.int32)
        counts = np.zeros(len(keys), np.int64)
        k0 = p0 = 0
        while k0 < len(keys):
            k1 = max(k0 + 1, int(np.searchsorted(bound, (bound[k0 - 1] if k0 else 0) + REMAP_BLOCK, "right")))
            b0, b1 = int(first_base[k0]), int(first_base[k1]) if k1 < len(keys) else len(self.keys)
            seg = self.offsets[b0 : b1 + 1]
            local = np.repeat(base_at[b0:b1] - k0, np.diff(seg))
            d0, d1 = int(dstart[k0]), int(dstart[k1]) if k1 < len(keys) else len(dk)
            local = np.concatenate([local, np.searchsorted(keys, dk[d0:d1]) - k0])
            rows = np.concatenate([new_of[self.rows[int(seg[0]) : int(seg[-1])]], dr[d0:d1]])
            live = rows >= 0
            packed = np.sort((local[live] << 32) | rows[live])  # per key, rows ascending
            n = len(packed)
            out[p0 : p0 + n] = packed & 0xFFFFFFFF
            counts[k0:k1] = np.bincount(packed >> 32, minlength=k1 - k0)
            k0, p0 = k1, p0 + n
        has = counts > 0
        offsets = np.zeros(int(has.sum()) + 1, np.int64)
        np.cumsum(counts[has], out=offsets[1:])
        out.resize(p0, refcheck=False)  # dead rows' entries freed
        return Grams(keys[has], offsets, out, *blob([self.text_at(int(r)) for r in old]))
