"""Docs to weighted term counts in bulk: the fit path, kept vectorised so a million postings fit in minutes.

Text is segmented once per field; each distinct word is judged (stop word? punctuation?) once when
first seen; counts are summed into sparse rows chunk by chunk, and only at the end are word ids
sorted into the vocabulary and term frequencies saturated (BM25) with the corpus' mean lengths.
"""

from __future__ import annotations

import multiprocessing as mp

import numpy as np
import scipy.sparse as sp

from .config import MatchConfig
from .text import bigram_buckets_many, is_content_word, normalise, raw_words

CHUNK = 16384
_BODY = ("description", "advantages", "applications", "key_points", "goals")


def doc_texts(doc: dict, cfg: MatchConfig) -> list[tuple[str, float]]:
    """(normalised text, weight) per field; a part already inside the description is not counted twice."""
    out = []
    title = normalise(doc.get("title"))
    if title:
        out.append((title, cfg.title_weight))
    kws = doc.get("keywords") or ()
    if isinstance(kws, str):
        kws = [kws]
    kw = "\n".join(normalise(str(k)) for k in kws if k)
    if kw.strip():
        out.append((kw, cfg.keywords_weight))
    summary = normalise(doc.get("summary") or doc.get("problem"))
    desc = normalise(doc.get("description"))
    if summary:
        out.append((summary, cfg.summary_weight))
        desc = desc.replace(summary, "\n", 1)
    body = [desc] + [t for t in (normalise(doc.get(k)) for k in _BODY[1:]) if t and t not in desc]
    body = "\n".join(t for t in body if t.strip())
    if body:
        out.append((body, cfg.body_weight))
    return out


class Vocab(dict):
    """word -> provisional id in order of first sight, plus whether the word is a content word."""

    def __init__(self):
        super().__init__()
        self.content = bytearray()

    def __missing__(self, w):
        i = self[w] = len(self)
        self.content.append(is_content_word(w))
        return i


def count_chunk(docs: list[dict], cfg: MatchConfig, vocab: Vocab, bits: int):
    """Weighted counts of a chunk: (csr over [bigram buckets | nb + provisional word ids], dl_words, dl_bigrams)."""
    nb = 1 << bits
    ids, lens, seg_len, seg_w, seg_row, texts = [], [], [], [], [], []
    getitem = vocab.__getitem__
    for r, doc in enumerate(docs):
        for text, w in doc_texts(doc, cfg):
            toks = raw_words(text)
            ids.extend(map(getitem, toks))
            ids.append(-1)  # the "\n" that separates this text from the next one
            lens.extend(map(len, toks))
            lens.append(1)
            seg_len.append(len(toks) + 1)
            seg_w.append(w)
            seg_row.append(r)
            texts.append(text)
    seg_w, seg_row = np.array(seg_w, np.float32), np.array(seg_row, np.int64)
    wid = np.array(ids, np.int64)
    wrow = np.repeat(seg_row, seg_len)
    wval = np.repeat(seg_w, seg_len)
    content = np.append(np.frombuffer(bytes(vocab.content), np.bool_), False)  # id -1: separator
    keep = content[wid]
    # Bigrams only inside runs of content words: stop words break a run like punctuation does.
    chars = np.repeat(keep, np.array(lens, np.int64))[:-1]
    wid, wrow, wval = wid[keep] + nb, wrow[keep], wval[keep]
    which, buckets = bigram_buckets_many(texts, bits, chars)
    brow, bval = seg_row[which], seg_w[which]
    n = len(docs)
    dlw = np.bincount(wrow, wval, minlength=n)
    dlb = np.bincount(brow, bval, minlength=n)
    m = sp.csr_matrix(
        (np.concatenate([bval, wval]), (np.concatenate([brow, wrow]), np.concatenate([buckets, wid]))),
        shape=(n, nb + len(vocab)),
    )
    m.sum_duplicates()
    return m, dlw, dlb


def saturate(m: sp.csr_matrix, dlw, dlb, avg: tuple[float, float], cfg: MatchConfig, bits: int) -> None:
    """In place: weighted tf -> tf / (tf + k1 (1 - b + b dl/avgdl)), per channel (words, bigrams)."""
    nb = 1 << bits
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    is_b = m.indices < nb
    dl = np.where(is_b, dlb[rows], dlw[rows])
    av = np.where(is_b, avg[1] or 1.0, avg[0] or 1.0)
    dl = np.where(dl > 0, dl, av)
    k = cfg.k1 * (1.0 - cfg.b + cfg.b * dl / av)
    m.data = (m.data / (m.data + k)).astype(np.float32)


_JOB: dict = {}


def _count_range(bounds: tuple[int, int]):
    """In a forked worker: one chunk counted with its own vocabulary, returned with that vocabulary."""
    docs, cfg, bits = _JOB["job"]
    local = Vocab()
    m, w, b = count_chunk(docs[bounds[0] : bounds[1]], cfg, local, bits)
    return m, w, b, list(local)


def _counted_chunks(docs: list[dict], cfg: MatchConfig, vocab: Vocab, bits: int, workers: int):
    """(csr, dl_words, dl_bigrams) per chunk, in order, on ``vocab``'s provisional word ids.

    With ``workers`` > 1 the chunks are segmented and counted by forked processes (segmentation is
    most of a fit and holds the GIL), each on a vocabulary of its own that is mapped onto ``vocab``
    here, in chunk order, so the result is the serial one. Fork from a process whose other threads
    may hold locks (a web worker) only with ``workers=1``.
    """
    ranges = [(s, min(s + CHUNK, len(docs))) for s in range(0, len(docs), CHUNK)]
    if workers <= 1 or len(ranges) < 2 or "fork" not in mp.get_all_start_methods():
        for lo, hi in ranges:
            yield count_chunk(docs[lo:hi], cfg, vocab, bits)
        return
    nb = 1 << bits
    _JOB["job"] = (docs, cfg, bits)
    try:
        with mp.get_context("fork").Pool(min(workers, len(ranges))) as pool:
            for m, w, b, words in pool.imap(_count_range, ranges):
                gid = np.fromiter(map(vocab.__getitem__, words), np.int64, len(words))
                idx = m.indices.astype(np.int64)
                is_word = idx >= nb
                idx[is_word] = nb + gid[idx[is_word] - nb]
                m.indices = idx
                yield m, w, b
    finally:
        _JOB.pop("job", None)


def fit_kind(
    docs: list[dict], cfg: MatchConfig, vocab: Vocab, tick, bits: int, workers: int = 1
) -> tuple[list, tuple[float, float]]:
    """Count one kind's docs chunk by chunk; returns the chunk matrices (still on provisional ids)."""
    parts, dlw, dlb = [], [], []
    for m, w, b in _counted_chunks(docs, cfg, vocab, bits, workers):
        parts.append(m)
        dlw.append(w)
        dlb.append(b)
        tick(m.shape[0])
    dlw = np.concatenate(dlw) if dlw else np.empty(0)
    dlb = np.concatenate(dlb) if dlb else np.empty(0)
    avg = (float(dlw.mean()) if len(dlw) else 0.0, float(dlb.mean()) if len(dlb) else 0.0)
    return [(p, dlw, dlb) for p in parts], avg


def bucket_bits(cfg: MatchConfig, n_docs: int) -> int:
    """Hashed bigram buckets: the configured number, or ~200 per posting between 2**16 and 2**22."""
    if cfg.bigram_bits:
        return int(cfg.bigram_bits)
    return int(min(22, max(16, np.ceil(np.log2(max(n_docs, 1) * 200)))))


def bm25_idf(df: np.ndarray, n: int) -> np.ndarray:
    """log(1 + (n - df + 0.5) / (df + 0.5)), computed only where df > 0 (most buckets are empty)."""
    idf = np.full(len(df), np.log1p((n + 0.5) / 0.5), np.float32)
    nz = np.flatnonzero(df)
    idf[nz] = np.log1p((n - df[nz] + 0.5) / (df[nz] + 0.5))
    return idf


def finish(parts: list, avg, words_rank: np.ndarray, n_cols: int, cfg: MatchConfig, bits: int):
    """Chunks -> one CSC: sorted-vocabulary word ids, saturated tf, idf, bigrams above max_df dropped.

    Returns (csc, idf); a dropped bigram keeps idf 0 so queries ignore it. Consumes ``parts`` (each
    chunk is freed once copied) so peak memory stays near one CSR plus one CSC.
    """
    nb = 1 << bits
    n_rows = sum(m.shape[0] for m, _, _ in parts)
    df = np.zeros(n_cols, np.int64)
    for m, _, _ in parts:  # pass 1: final column ids and document frequencies
        idx = m.indices.astype(np.int64)
        w = idx >= nb
        idx[w] = nb + words_rank[idx[w] - nb]
        m.indices = idx.astype(np.int32 if n_cols < 2**31 else np.int64)
        df += np.bincount(idx, minlength=n_cols)
    idf = bm25_idf(df, n_rows)
    stop = np.zeros(n_cols, bool)
    if cfg.max_df < 1.0 and n_rows >= cfg.max_df_min_docs:
        stop[:nb] = df[:nb] > cfg.max_df * n_rows
        idf[stop] = 0.0
    nnz = int(df.sum() - df[stop].sum())
    itype = np.int32 if max(nnz, n_cols) < 2**31 else np.int64  # one index dtype: scipy won't copy
    indptr = np.zeros(n_rows + 1, itype)
    indices = np.empty(nnz, itype)
    data = np.empty(nnz, np.float32)
    r0 = p0 = 0
    parts.reverse()
    while parts:  # pass 2: saturate, drop stopped columns, copy into the stacked CSR
        m, dlw, dlb = parts.pop()
        n = m.shape[0]
        saturate(m, dlw[r0 : r0 + n], dlb[r0 : r0 + n], avg, cfg, bits)
        keep = ~stop[m.indices]
        rows = np.repeat(np.arange(n), np.diff(m.indptr))[keep]
        k = int(keep.sum())
        indptr[r0 + 1 : r0 + n + 1] = np.cumsum(np.bincount(rows, minlength=n)) + p0
        indices[p0 : p0 + k] = m.indices[keep]
        data[p0 : p0 + k] = m.data[keep]
        r0, p0 = r0 + n, p0 + k
    csr = sp.csr_matrix((data, indices, indptr), shape=(n_rows, n_cols))
    del data, indices, indptr
    return csr.tocsc(), idf  # the CSR is freed on return: peak memory is one CSR plus one CSC


def sorted_vocabulary(vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """(sorted content words as a numpy unicode array, provisional id -> sorted id, -1 if dropped)."""
    terms = list(vocab)
    content = np.frombuffer(bytes(vocab.content), np.bool_)
    keep = np.flatnonzero(content)
    arr = np.array([terms[i] for i in keep], dtype=str) if len(keep) else np.empty(0, "<U1")
    order = np.argsort(arr, kind="stable")
    rank = np.full(len(terms), -1, np.int64)
    rank[keep[order]] = np.arange(len(keep))
    return arr[order], rank
