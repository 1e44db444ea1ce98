"""The matcher: ranked counterparts, free-text search and near-duplicates over both kinds of posting."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .build import Vocab, bm25_tf, bucket_bits, count_one, doc_texts, finish, fit_kind, sorted_vocabulary
from .config import MatchConfig
from .corpus import Corpus
from .generic import curated as curated_generic
from .postings import Postings
from .query import has_token
from .rerank import Table, decode, encode
from .substring import Grams, clean_term, doc_text
from .text import bigrams, bucket, explainable, is_content_word, raw_words

KINDS = ("achievement", "need")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


OTHER = {"achievement": "need", "need": "achievement"}
EXPLAIN = 8  # shared terms reported per suggestion
TERM_CACHE_ROWS = 2_000_000  # rows (int64, 16 MB) of search words each corpus remembers (cleared when full)
WORD_CACHE = 1 << 18  # words whose vocabulary column is remembered (cleared when full)


@dataclass(frozen=True)
class Suggestion:
    """A ranked candidate: score = text_score * (1 + the boosts of its reasons).

    Structure re-ranks text that already matches; it never lifts a pair whose texts barely meet, so
    ``text_score`` is what to read as the strength of a suggestion.
    """

    id: str
    score: float
    text_score: float
    reasons: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)


class Matcher:
    def __init__(self, config: MatchConfig | None = None):
        self.config = config or MatchConfig()
        self._words = np.empty(0, "<U1")  # sorted vocabulary of the base; word column = nb + position
        self._extra: dict[str, int] = {}  # words first seen by add(): column beyond the base ones
        self._word_cols: tuple = (None, {})  # (the _words it is for, word -> base column or -1)
        self._bucket_cache: tuple = (None, {})  # (the bits it is for, bigram -> hashed column)
        self._generic: tuple = (None, frozenset())  # (the _words it is for, generic words: see generic.py)
        self._fields: list[str] = []
        self._field_ids: dict[str, int] = {}
        self._bits = bucket_bits(self.config, 0)  # fixed per index: set by fit, kept by add
        self._kinds = {k: self._empty(k) for k in KINDS}

    def _empty(self, kind: str) -> Corpus:
        return Corpus.create(kind, Postings.empty(), Table(), [], [], (0.0, 0.0))

    @property
    def _nb(self) -> int:
        return 1 << self._bits

    @property
    def n_cols(self) -> int:
        return self._nb + len(self._words) + len(self._extra)

    def _field_id(self, f, create: bool = False) -> int:
        if not f:
            return -1
        f = str(f)
        i = self._field_ids.get(f)
        if i is None and create:
            i = self._field_ids[f] = len(self._fields)
            self._fields.append(f)
        return -2 if i is None else i  # -2: a field no posting has (matches nothing)

    # -- building ----------------------------------------------------------------------------
    def fit(self, docs, progress=None, workers: int | None = 1) -> Matcher:
        """Index ``docs`` (plain dicts) from scratch; ``progress(done, total)`` is called per chunk.

        ``workers`` > 1 (None: one per core) segments the text in forked processes, the same index
        about twice as fast on two cores; keep 1 where other threads of the process may hold locks
        (a web worker's background refit).
        """
        workers = workers or os.cpu_count() or 1
        docs = docs if hasattr(docs, "__len__") else list(docs)
        total, done = len(docs), [0]

        def tick(n):
            done[0] += n
            if progress:
                progress(done[0], total)

        by_kind: dict[str, dict[str, dict]] = {k: {} for k in KINDS}
        for d in docs:
            kind = _kind(d)
            key = _key(d)
            for k in KINDS:
                by_kind[k].pop(key, None)
            by_kind[kind][key] = d
        self._fields, self._field_ids, self._extra = [], {}, {}
        for kind, v in by_kind.items():  # base rows grouped by field: the kernel scores the query's field first
            fid = {key: self._field_id(d.get("field"), True) for key, d in v.items()}
            by_kind[kind] = dict(sorted(v.items(), key=lambda kv: fid[kv[0]]))
        self._bits = bits = bucket_bits(self.config, sum(len(v) for v in by_kind.values()))
        vocab = Vocab()
        counted = {k: fit_kind(list(v.values()), self.config, vocab, tick, bits, workers) for k, v in by_kind.items()}
        self._words, rank = sorted_vocabulary(vocab)
        del vocab
        for kind, (parts, avg) in counted.items():
            ds = list(by_kind[kind].values())
            csc, idf = finish(parts, avg, rank, self.n_cols, self.config, bits)
            postings = Postings.from_csc(csc)
            del csc
            table = Table(Table.build([encode(d, lambda f: self._field_id(f, True)) for d in ds]))
            titles = [str(d.get("title") or "") for d in ds]
            grams = Grams.build([doc_text(d) for d in ds], workers)
            self._kinds[kind] = Corpus.create(kind, postings, table, list(by_kind[kind]), titles, avg, idf, grams)
        self._kernel()  # compile or load the query kernel now rather than in the first query
        return self

    def add(self, doc: dict) -> None:
        """Index one posting now (no refit); an existing posting with the same id is replaced."""
        kind, key = _kind(doc), _key(doc)
        self.remove(key)
        corpus = self._kinds[kind]
        cols, vals = self._vector(doc, corpus)
        row = encode(doc, lambda f: self._field_id(f, True))
        corpus.add(key, cols, vals, row, str(doc.get("title") or ""), doc_text(doc))

    def remove(self, id_) -> bool:
        """Forget a posting; False if it was not indexed."""
        return any([c.remove(str(id_)) for c in self._kinds.values()])

    def compact(self) -> None:
        """Fold additions and removals into a fresh base (recomputing idf)."""
        self._kinds = {k: c.compacted(self.n_cols) for k, c in self._kinds.items()}

    def __len__(self) -> int:
        return sum(c.count for c in self._kinds.values())

    def __contains__(self, id_) -> bool:
        return any(c.row_of(str(id_)) is not None for c in self._kinds.values())

    def get(self, id_) -> dict | None:
        """The stored metadata of a posting (id, kind, title and structured fields), or None."""
        for kind, c in self._kinds.items():
            r = c.row_of(str(id_))
            if r is not None:
                return {"id": str(id_), "title": c.title_at(r), **decode(c.table.row(r), kind, self._fields)}
        return None

    def _vector(self, doc: dict, corpus: Corpus, create: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The saturated term frequencies of one doc, as the fit would have computed them (the same
        ``count_one``, the same saturation with the corpus' mean lengths), by ascending column.

        ``create=False`` (a query's own vector) leaves words the index has never seen out of the
        columns, but still counts them in the document length.
        """
        words, grams, dlw, dlb = count_one(doc, self.config, self._buckets)
        col, cfg = self._col, self.config
        word_cols = [col(w, create=create) for w in words]
        cols = np.array([-1 if c is None else c for c in word_cols] + list(grams), np.int64)
        vals = np.concatenate(
            [
                bm25_tf(np.fromiter(words.values(), np.float32, len(words)), dlw, corpus.avgdl[0] or dlw or 1.0, cfg),
                bm25_tf(np.fromiter(grams.values(), np.float32, len(grams)), dlb, corpus.avgdl[1] or dlb or 1.0, cfg),
            ]
        )
        if None in word_cols:
            keep = cols >= 0
            cols, vals = cols[keep], vals[keep]
        order = np.argsort(cols, kind="stable")
        return cols[order], vals[order]

    def _code(self, word: str) -> int:
        """-2: not a content word; -1: a content word outside the base vocabulary; else its column.

        Remembered per word (the base vocabulary only changes with fit and load): a binary search
        in the sorted vocabulary and the stop-word checks cost more than the rest of a query's text.
        """
        cache = self._word_cols
        if cache[0] is not self._words:  # a new base vocabulary (fit, load)
            cache = self._word_cols = (self._words, {})
        c = cache[1].get(word)
        if c is None:
            c, n = -1, len(self._words)
            if not is_content_word(word):
                c = -2
            elif n:
                i = int(np.searchsorted(self._words, word))
                if i < n and self._words[i] == word:
                    c = self._nb + i
            if len(cache[1]) >= WORD_CACHE:
                cache[1].clear()
            cache[1][word] = c
        return c

    def _col(self, word: str, create: bool = False) -> int | None:
        c = self._code(word)
        if c >= 0:
            return c
        c = self._extra.get(word)
        if c is None and create:
            c = self._extra[word] = self.n_cols
        return c

    # -- querying ----------------------------------------------------------------------------
    def _terms(self, doc: dict) -> tuple[np.ndarray, list[str]]:
        """Query columns (distinct, in order of first sight; word columns first) and the words behind the word columns.

        The analyzer of ``text.analyse`` inlined on the remembered word codes (a query is ~0.1 ms):
        content words counted, every other word blanked to "\n" before the bigrams are cut; a test
        holds it to the columns ``count_one`` gives the same posting.
        """
        ws, kept = {}, []
        code, extra = self._code, self._extra
        for text, _ in doc_texts(doc, self.config):
            for word in raw_words(text):
                c = code(word)
                if c == -2:  # not a content word
                    kept.append("\n")
                    continue
                kept.append(word)
                if word not in ws:
                    ws[word] = c if c >= 0 else extra.get(word)
            kept.append("\n")  # no bigram spans two texts
        names = [w for w, c in ws.items() if c is not None]
        grams = self._buckets(list(dict.fromkeys(bigrams("".join(kept)))))
        return np.array([ws[w] for w in names] + grams, np.int64), names

    def _buckets(self, grams) -> list[int]:
        """The hashed column of each bigram, as ``HashingVectorizer`` gives it (remembered per bigram)."""
        cache = self._bucket_cache
        if cache[0] != self._bits:
            cache = self._bucket_cache = (self._bits, {})
        known = cache[1]
        out = list(map(known.get, grams))
        if None in out:
            if len(known) >= WORD_CACHE:
                known.clear()
            n = self._nb
            for i, g in enumerate(grams):
                if out[i] is None:
                    out[i] = known[g] = bucket(g, n)
        return out

    def _weights(self, cols: np.ndarray, n_words: int, corpus: Corpus, field: int = -1) -> np.ndarray:
        """idf per query term (within ``field`` when given), each channel scaled to sum to its share:
        the text score is in [0, 1]."""
        if field >= 0 and self.config.field_idf_prior > 0:
            w = corpus.field_idf_of(cols, field, self.config.field_idf_prior).tolist()
        else:
            w = corpus.idf_of(cols).tolist()
        sw, sb = sum(w[:n_words]), sum(w[n_words:])
        aw, ab = (1.0 if sw > 0 else 0.0), (self.config.bigram_weight if sb > 0 else 0.0)
        if aw + ab == 0:
            return np.zeros(len(w))
        fw, fb = aw / (sw or 1) / (aw + ab), ab / (sb or 1) / (aw + ab)
        return np.array([x * fw for x in w[:n_words]] + [x * fb for x in w[n_words:]])

    def _rank(
        self, doc, kind, k, offset=0, exclude=(), structured=True, explain=False, relative=False, with_text=False
    ):
        k, offset = max(int(k), 0), max(int(offset), 0)
        corpus = self._kinds[kind]
        cols, names = self._terms(doc)
        if not len(cols) or not k or not corpus.count:
            return []
        field = self._field_id(doc.get("field")) if structured else -1
        weights = self._weights(cols, len(names), corpus, field)
        if not weights.all():  # bigrams dropped by max_df: nothing to look up
            live = weights > 0
            names = [w for w, ok in zip(names, live[: len(names)]) if ok]
            cols, weights = cols[live], weights[live]
        self_score = 0.0
        if relative:  # divide by the score the doc would get against an identical copy of itself
            own_cols, own_vals = self._vector(doc, corpus, create=False)
            at = np.searchsorted(own_cols, cols).clip(0, max(len(own_cols) - 1, 0))
            hit = own_cols[at] == cols if len(own_cols) else np.zeros(len(cols), bool)
            self_score = float(np.sum(weights[hit] * own_vals[at[hit]]))
        drop = [r for r in (corpus.row_of(str(x)) for x in exclude) if r is not None]
        q_kind = _kind(doc, "need")
        q = encode(doc, self._field_id, q_kind) if structured else None
        n = offset + k
        kern = self._kernel()
        qi, qf, qp = kern.params(self.config, q, q_kind, n, self_score, corpus.table.field_sorted)
        # The best n base rows, best first; the rows added since the base are merged below.
        rows, text, total = self._top_base(kern, corpus, cols, weights, drop, qi, qf, qp)
        top = range(offset, len(rows))
        d_rows, d_text = corpus.postings.score_delta(cols, weights) if corpus.postings.rows else (rows[:0], text[:0])
        if self_score > 0:
            d_text = np.minimum(d_text / self_score, 1.0)
        if drop and len(d_rows):
            keep = ~np.isin(d_rows, drop)
            d_rows, d_text = d_rows[keep], d_text[keep]
        if len(d_rows):
            d_total, _bits = self._rerank(kern, corpus, d_rows, d_text, qi, qf, qp)
            rows, text = np.concatenate([rows, d_rows]), np.concatenate([text, d_text])
            total = np.concatenate([total, d_total])
            if 0 < n < len(rows):  # the n best and every row tied with the n-th (ties go to the lower row)
                cut = total[np.argpartition(-total, n - 1)[:n]].min()
                top = np.flatnonzero(total >= cut)
            else:
                top = np.arange(len(rows))
            top = top[np.lexsort((rows[top], -total[top]))][offset:n]
        if not explain:
            rows_l, total_l = rows.tolist(), total.tolist()
            ranked = list(zip(corpus.ids_at([rows_l[i] for i in top]), [total_l[i] for i in top]))
            if with_text:
                text_l = text.tolist()
                return [(key, score, text_l[i]) for (key, score), i in zip(ranked, top)]
            return ranked
        top = list(top)
        top_rows = rows[top].tolist()
        # The reasons shown are the bits the boost summed (the same compiled rules, the same rows).
        _total, bits = self._rerank(kern, corpus, rows[top], text[top], qi, qf, qp)
        bits = bits.tolist() if structured else [0] * len(top)
        shown = [c for c in range(len(names)) if explainable(names[c])]
        vals = corpus.postings.values(top_rows, cols[shown].tolist()).tolist()
        out, generic = [], self.generic_words()
        for j, i in enumerate(top):
            contrib = [(weights[c] * v, names[c]) for c, v in zip(shown, vals[j])]
            words = [w for v, w in sorted(contrib, key=lambda t: -t[0]) if v > 0]
            shared = [w for w in words if w not in generic][:EXPLAIN]
            if not shared:
                continue  # shares only generic words (or only character pairs, no word): nothing to show for it
            reasons = kern.reasons(bits[j])
            out.append(Suggestion(corpus.id_at(top_rows[j]), float(total[i]), float(text[i]), reasons, shared))
        return out

    def _rerank(self, kern, corpus, rows, text, qi, qf, qp) -> tuple[np.ndarray, np.ndarray]:
        """(total, reason bits) of candidate ``rows`` whose text scores are ``text``, by the compiled rules."""
        total, bits = np.empty(len(rows)), np.zeros(len(rows), np.int64)
        if qi[kern.I_STRUCT]:
            kern.rerank(np.ascontiguousarray(text, np.float64), *corpus.table.columns(rows), qi, qf, qp, total, bits)
        else:
            total[:] = text
        return total, bits

    def _top_base(self, kern, corpus, cols, weights, drop, qi, qf, qp):
        """The best n live base rows (rows, text, total), best first, from the compiled kernel."""
        p = corpus.postings
        acc, touched = kern.scratch(p.n_base)
        try:
            return kern.top_base(
                *p.kernel_arrays(),
                cols,
                weights,
                acc,
                touched,
                p.dead_mask,
                np.array(drop, np.int64),
                *corpus.table.kernel_arrays(),
                qi,
                qf,
                qp,
            )
        except BaseException:
            kern.drop_scratch()
            raise

    def _kernel(self):
        """The compiled query kernel module (``kernel.py``): the matcher's only query path."""
        return _load_kernel()

    def query(self, doc: dict, k: int = 10) -> list[tuple[str, float]]:
        """The best postings of the opposite kind: (id, score), best first (same scores as suggest)."""
        return self._rank(doc, OTHER[_kind(doc, "need")], k)

    def query_many(self, docs, k: int = 10, workers: int | None = None) -> list[list[tuple[str, float]]]:
        """query() for many docs at once, over forked processes (all-pairs runs)."""
        from .batch import query_many

        return query_many(self, docs, k=k, workers=workers)

    def suggest(self, doc: dict, k: int = 10, exclude=()) -> list[Suggestion]:
        """Like query, with each candidate's reasons and the shared words that weigh most."""
        return self._rank(doc, OTHER[_kind(doc, "need")], k, exclude=exclude, explain=True)

    def rank(self, doc: dict, k: int = 10, exclude=()) -> list[tuple[str, float, float]]:
        """What suggest ranks, as (id, score, text_score), without reasons or shared words (cheaper:
        figures over every posting read the strength of each suggestion, not its explanation)."""
        return self._rank(doc, OTHER[_kind(doc, "need")], k, exclude=exclude, with_text=True)

    def search(self, text: str, kind: str, k: int = 20, offset: int = 0) -> list[tuple[str, float]]:
        """Free-text search over one kind, text score only; ranks offset .. offset+k-1 (k=1000 is cheap)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        return self._rank({"description": text}, kind, k, offset=offset, structured=False)

    def containing(self, terms, kind: str) -> list[str]:
        """Ids of the postings of ``kind`` whose text (title, keywords, body; normalised) contains every
        one of ``terms`` as a substring, in row order: from per-character-gram lists of rows, with only
        the candidates' texts read for terms of three characters or more (``substring``)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        terms = [t for t in map(clean_term, terms) if t]
        if not terms:
            return []
        corpus = self._kinds[kind]
        return corpus.ids_at(corpus.rows_containing(terms).tolist())

    def containing_any(self, variants, kind: str, whole_token: bool = False) -> list[str]:
        """Ids of the postings of ``kind`` containing at least one of ``variants`` (a word and its
        equivalents); ``whole_token``: Latin words only as whole tokens (plc, never inside plcs or
        in "rplc"), case-insensitively."""
        return self.ids_of(kind, self.containing_rows(variants, kind, whole_token))

    def containing_rows(self, variants, kind: str, whole_token: bool = False) -> np.ndarray:
        """``containing_any`` as the rows of ``kind``'s postings (ascending, int64): what a caller
        that scores thousands of hits works with, turning only its result into ids (``ids_of``)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        corpus = self._kinds[kind]
        parts = []
        for term in dict.fromkeys(t for t in map(clean_term, variants) if t):
            # A word's rows are remembered until the corpus changes: the words of searches repeat, and
            # a common one checks thousands of texts (a few ms to tens of ms at 10^5).
            generation, key = corpus.generation, (term, whole_token)
            hit = corpus.term_rows.get(key)
            if hit is not None and hit[0] == generation:
                parts.append(hit[1])
                continue
            rows = corpus.rows_containing([term])
            if whole_token:
                text_at = corpus.grams.text_at
                keep = [has_token(text_at(r).decode("utf-8", "replace"), term) for r in rows.tolist()]
                rows = rows[np.array(keep, bool)] if len(rows) else rows
            rows = rows.astype(np.int64, copy=False)
            held = sum(len(r) for _g, r in corpus.term_rows.values())
            if held + len(rows) > TERM_CACHE_ROWS:  # bounded by size: a common word holds a quarter of the pool
                corpus.term_rows.clear()
            corpus.term_rows[key] = (generation, rows)
            parts.append(rows)
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)

    def ids_of(self, kind: str, rows) -> list[str]:
        """The ids at ``rows`` of ``kind``'s postings, in that order."""
        return self._kinds[kind].ids_at(np.asarray(rows, np.int64).tolist())

    def rows_of(self, kind: str, ids) -> np.ndarray:
        """The rows of the live postings among ``ids`` (others are left out), ascending."""
        return self._kinds[kind].rows_of(ids)

    def row_count(self, kind: str) -> int:
        """Rows of ``kind``'s postings (live or not): the length of an array indexed by row."""
        return self._kinds[kind].postings.n_rows

    def count(self, kind: str) -> int:
        """Live postings of ``kind`` in the index."""
        return self._kinds[kind].count

    def anchored_words(self, word: str, limit: int = 12) -> list[str]:
        """Words of this pool built on ``word``'s one distinctive character, most frequent first
        (氢能 → 制氢, 氢气, 富氢, 加氢站 …): equivalents learnt from the pool, for a word the pool
        seldom says. Only for a word of 2–4 Chinese characters of which exactly one is rare in the
        pool (in at most 2% of postings, or 10) and the others common (in 15% of postings or more,
        and five times as many as the rare one: 能, 电, 性, 化 …); the
        words offered hold that character, are content words of 2–6 characters, not generic, and
        are in at least two postings."""
        word = clean_term(word)
        if not 2 <= len(word) <= 4 or not all(_is_cjk(ch) for ch in word) or not len(self._words):
            return []
        n = sum(c.count for c in self._kinds.values())
        df = {ch: sum(len(c.grams.rows_of(ord(ch) << 21)) for c in self._kinds.values()) for ch in set(word)}
        rare = [ch for ch in df if 0 < df[ch] <= max(0.02 * n, 10)]
        if len(rare) != 1 or any(df[ch] < max(0.15 * n, 5 * df[rare[0]]) for ch in df if ch != rare[0]):
            return []  # 氢能: 能 is everywhere, 氢 the meaning; 芯片: 片 is no suffix, nothing to learn
        holders = np.flatnonzero(np.char.find(self._words, rare[0]) >= 0)
        counts = sum(
            np.diff(c.postings.indptr)[self._nb + holders]
            for c in self._kinds.values()
            if c.postings.n_cols_base >= self._nb + len(self._words)
        )
        generic = self.generic_words()
        found = [(int(k), str(self._words[i])) for i, k in zip(holders.tolist(), np.atleast_1d(counts).tolist())]
        found = [
            (k, w)
            for k, w in found
            if k >= 2 and 2 <= len(w) <= 6 and w != word and w not in generic and explainable(w)
        ]
        return [w for _k, w in sorted(found, key=lambda t: (-t[0], t[1]))[:limit]]

    def generic_words(self) -> frozenset[str]:
        """The curated generic words and those spread over most fields of this index (``generic``)."""
        if self._generic[0] is not self._words:
            self._generic = (self._words, curated_generic() | self.spread_words())
        return self._generic[1]

    def spread_words(self, share: float = 0.6, rate: float = 0.02, min_rows: int = 5) -> frozenset[str]:
        """Base words present in at least ``share`` of the fields (those with ``min_rows`` postings or
        more, both kinds together), in at least ``rate`` of each one's postings: words of no field."""
        nb, nw, nf = self._nb, len(self._words), len(self._fields)
        if not nw or not nf:
            return frozenset()
        counts, sizes = np.zeros(nw * nf, np.int64), np.zeros(nf, np.int64)
        for corpus in self._kinds.values():
            p = corpus.postings
            if not p.n_base or p.n_cols_base < nb + nw:
                continue
            f = corpus.table.base["field"][: p.n_base].astype(np.int64)
            sizes += np.bincount(f[f >= 0], minlength=nf)[:nf]
            ptr = p.indptr[nb : nb + nw + 1]
            col = np.repeat(np.arange(nw, dtype=np.int64), np.diff(ptr))
            ff = f[p.indices[int(ptr[0]) : int(ptr[-1])]]
            ok = ff >= 0
            counts += np.bincount(col[ok] * nf + ff[ok], minlength=nw * nf)
        usable = sizes >= min_rows
        if usable.sum() < 3:  # too few fields to tell a generic word from a shared topic
            return frozenset()
        present = counts.reshape(nw, nf)[:, usable] >= np.maximum(1, rate * sizes[usable])
        return frozenset(self._words[present.mean(axis=1) >= share].tolist())

    def similar(self, doc: dict, k: int = 5) -> list[tuple[str, float]]:
        """The most similar postings of the same kind (near duplicates), excluding ``doc["id"]``.

        Scores are relative to the doc's score against an identical copy of itself, so they lie in
        [0, 1] and an exact duplicate scores 1.0 whatever the length or wording of the doc.
        """
        own = (doc["id"],) if doc.get("id") is not None else ()
        return self._rank(doc, _kind(doc, "need"), k, exclude=own, structured=False, relative=True)

    # -- persistence -------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the index to directory ``path`` atomically (a crash leaves the previous index)."""
        from .store import save

        save(self, path)

    @classmethod
    def load(cls, path, mmap: bool = True) -> Matcher:
        """Open a saved index; with ``mmap`` the big arrays are shared read-only memory maps."""
        from .store import load

        m = load(cls, path, mmap=mmap)
        m._kernel()  # compile or load the query kernel now rather than in the first query
        return m


_KERNEL: list = []


def _load_kernel():
    """matchmaker.matching.kernel, compiled (or loaded from numba's cache) once per process."""
    if not _KERNEL:
        from . import kernel

        kernel.warm()
        _KERNEL.append(kernel)
    return _KERNEL[0]


def _kind(doc: dict, default: str | None = None) -> str:
    kind = doc.get("kind") or default
    if kind not in KINDS:
        raise ValueError(f"doc kind must be one of {KINDS}, not {doc.get('kind')!r}")
    return kind


def _key(doc: dict) -> str:
    if doc.get("id") is None:
        raise ValueError("doc has no id")
    return str(doc["id"])
