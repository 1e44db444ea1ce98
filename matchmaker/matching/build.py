"""Docs to weighted term counts in bulk: scikit-learn vectorizes, this module weighs and saturates.

Each field's text is analysed once (``text.analyse_many``: rjieba words, stop words out); per chunk of
postings ``CountVectorizer`` counts the content words (on the chunk's own vocabulary, mapped onto
the index's in chunk order) and ``HashingVectorizer`` hashes the character bigrams (``text.bigrams``)
into 2**bits buckets; a posting's row is the sum of its fields' rows times the field weights (one
sum). What scikit-learn lacks stays here: BM25 saturation with the corpus' mean lengths,
the idf, and max_df on hashed buckets. A posting added alone (``Matcher.add``) is counted by
``count_one`` with the same analyzer and the vectorizer's bucket (``text.bucket``): a vectorizer
call costs more than the posting, and a test holds the two to the same terms and values.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from itertools import chain
from operator import itemgetter

import numpy as np
import scipy.sparse as sp
from sklearn import config_context
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer

from .config import MatchConfig
from .text import analyse_many, bigrams, normalise

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
    """word -> provisional id in order of first sight (the chunks' words, mapped in chunk order)."""

    def __missing__(self, w):
        i = self[w] = len(self)
        return i


def _bigrams_of(analysed: tuple[list[str], str]) -> list[str]:
    return bigrams(analysed[1])


def _weighted(m: sp.csr_matrix, seg_w: np.ndarray, seg_row: np.ndarray):
    """(posting row, column, weight * count) of every entry of a matrix over field texts."""
    per = np.diff(m.indptr)
    return np.repeat(seg_row, per), m.indices.astype(np.int64), m.data * np.repeat(seg_w, per)


def count_chunk(docs: list[dict], cfg: MatchConfig, bits: int):
    """Weighted counts of a chunk: (csr over [bigram buckets | nb + chunk word ids], dl_words, dl_bigrams,
    the chunk's words in the order of their ids).

    The vectorizers see one field text per row; a posting's row is the sum of its texts' rows times
    their weights (O(entries): a sparse product would touch every one of the 2**bits buckets). The
    parameters are fixed here, so scikit-learn's per-call validation is skipped (a posting added
    alone would spend most of its time in it).
    """
    nb, n = 1 << bits, len(docs)
    texts, seg_w, seg_row = [], [], []
    for r, doc in enumerate(docs):
        for text, w in doc_texts(doc, cfg):
            texts.append(text)
            seg_w.append(w)
            seg_row.append(r)
    analysed = analyse_many(texts)
    if not analysed:  # the vectorizers refuse an empty list
        return sp.csr_matrix((n, nb), dtype=np.float32), np.zeros(n), np.zeros(n), []
    seg_w, seg_row = np.array(seg_w), np.array(seg_row, np.int64)
    with config_context(skip_parameter_validation=True, assume_finite=True):
        hashed = HashingVectorizer(
            analyzer=_bigrams_of, n_features=nb, alternate_sign=False, norm=None, dtype=np.float64
        ).transform(analysed)
        # The chunk's words in order of first sight, given as the vocabulary: the counts are the
        # same as a fit's, without sorting and pruning a vocabulary ``Vocab`` maps anyway.
        words = list(dict.fromkeys(chain.from_iterable(map(itemgetter(0), analysed))))
        if words:  # CountVectorizer refuses an empty vocabulary
            vocabulary = dict(zip(words, range(len(words))))
            counted = CountVectorizer(analyzer=itemgetter(0), vocabulary=vocabulary, dtype=np.float64).transform(
                analysed
            )
    rb, cb, vb = _weighted(hashed, seg_w, seg_row)
    dlb = np.bincount(rb, vb, minlength=n)
    if words:
        rw, cw, vw = _weighted(counted, seg_w, seg_row)
        rb, cb, vb = np.concatenate([rb, rw]), np.concatenate([cb, cw + nb]), np.concatenate([vb, vw])
    dlw = np.bincount(rw, vw, minlength=n) if words else np.zeros(n)
    # Weighted counts are exact in float32; the conversion sums a posting's fields.
    m = sp.csr_matrix((vb.astype(np.float32), (rb, cb)), shape=(n, nb + len(words)))
    m.sort_indices()
    return m, dlw, dlb, words


def count_one(doc: dict, cfg: MatchConfig, bucket_of) -> tuple[dict[str, float], dict[int, float], float, float]:
    """One posting's weighted counts as ``count_chunk`` gives its row: (word -> count, bucket ->
    count, dl_words, dl_bigrams). ``bucket_of`` maps bigrams to the vectorizer's columns.

    Equal to the fit's row when the field weights are exact in binary (the defaults: 2, 2, 1.5, 1);
    other weights may differ in the last bit (the fit rounds each field's count to float32 first).
    """
    texts = doc_texts(doc, cfg)
    words: dict[str, float] = {}
    grams: dict[int, float] = {}
    for (found, blanked), (_, w) in zip(analyse_many([t for t, _ in texts]), texts):
        for into, counted in ((words, Counter(found)), (grams, Counter(bucket_of(bigrams(blanked))))):
            get = into.get
            into.update({key: get(key, 0.0) + n * w for key, n in counted.items()})
    return words, grams, sum(words.values()), sum(grams.values())


def bm25_tf(tf: np.ndarray, dl: np.ndarray, avgdl: np.ndarray, cfg: MatchConfig) -> np.ndarray:
    """Weighted tf -> tf / (tf + k1 (1 - b + b dl/avgdl)) in float32 (dl 0: the mean length)."""
    dl = np.where(dl > 0, dl, avgdl)
    k = cfg.k1 * (1.0 - cfg.b + cfg.b * dl / avgdl)
    return (tf / (tf + k)).astype(np.float32)


def saturate(m: sp.csr_matrix, dlw, dlb, avg: tuple[float, float], cfg: MatchConfig, bits: int) -> None:
    """In place: ``bm25_tf`` of every entry, per channel (words, bigrams)."""
    nb = 1 << bits
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    is_b = m.indices < nb
    dl = np.where(is_b, dlb[rows], dlw[rows])
    m.data = bm25_tf(m.data, dl, np.where(is_b, avg[1] or 1.0, avg[0] or 1.0), cfg)


_JOB: dict = {}


def _count_range(bounds: tuple[int, int]):
    """In a forked worker: one chunk counted with its own vocabulary."""
    docs, cfg, bits = _JOB["job"]
    return count_chunk(docs[bounds[0] : bounds[1]], cfg, bits)


def _counted_chunks(docs: list[dict], cfg: MatchConfig, vocab: Vocab, bits: int, workers: int):
    """(csr, dl_words, dl_bigrams) per chunk, in order, on ``vocab``'s provisional word ids.

    Each chunk is counted on a vocabulary of its own, mapped onto ``vocab`` here in chunk order, so
    the result is the same whether the chunks were counted here or, with ``workers`` > 1, by forked
    processes (segmentation is most of a fit and holds the GIL). Fork from a process whose other
    threads may hold locks (a web worker) only with ``workers=1``.
    """
    ranges = [(s, min(s + CHUNK, len(docs))) for s in range(0, len(docs), CHUNK)]
    nb = 1 << bits

    def mapped(m, w, b, words):
        gid = np.fromiter(map(vocab.__getitem__, words), np.int64, len(words))
        idx = m.indices.astype(np.int64)
        is_word = idx >= nb
        idx[is_word] = nb + gid[idx[is_word] - nb]
        m.indices = idx
        return m, w, b

    if workers <= 1 or len(ranges) < 2 or "fork" not in mp.get_all_start_methods():
        for lo, hi in ranges:
            yield mapped(*count_chunk(docs[lo:hi], cfg, bits))
        return
    _JOB["job"] = (docs, cfg, bits)
    try:
        with mp.get_context("fork").Pool(min(workers, len(ranges))) as pool:
            for counted in pool.imap(_count_range, ranges):
                yield mapped(*counted)
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
    """(sorted words as a numpy unicode array, provisional id -> sorted id)."""
    arr = np.array(list(vocab), dtype=str) if vocab else np.empty(0, "<U1")
    order = np.argsort(arr, kind="stable")
    rank = np.empty(len(arr), np.int64)
    rank[order] = np.arange(len(arr))
    return arr[order], rank
