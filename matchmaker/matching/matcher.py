"""The matcher: ranked counterparts, free-text search and near-duplicates over both kinds of posting."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .build import Vocab, bucket_bits, doc_texts, finish, fit_kind, sorted_vocabulary
from .config import MatchConfig
from .corpus import Corpus
from .postings import Postings
from .rerank import Table, boost, decode, encode, reasons_at, signals
from .text import bigram_buckets, explainable, is_content_word, raw_words

KINDS = ("achievement", "need")
OTHER = {"achievement": "need", "need": "achievement"}
EXPLAIN = 8  # shared terms reported per suggestion


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
    def fit(self, docs, progress=None) -> "Matcher":
        """Index ``docs`` (plain dicts) from scratch; ``progress(done, total)`` is called per chunk."""
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
        self._bits = bits = bucket_bits(self.config, sum(len(v) for v in by_kind.values()))
        vocab = Vocab()
        counted = {k: fit_kind(list(v.values()), self.config, vocab, tick, bits) for k, v in by_kind.items()}
        self._words, rank = sorted_vocabulary(vocab)
        del vocab
        for kind, (parts, avg) in counted.items():
            ds = list(by_kind[kind].values())
            csc, idf = finish(parts, avg, rank, self.n_cols, self.config, bits)
            postings = Postings.from_csc(csc)
            del csc
            table = Table(Table.build([encode(d, lambda f: self._field_id(f, True)) for d in ds]))
            titles = [str(d.get("title") or "") for d in ds]
            self._kinds[kind] = Corpus.create(kind, postings, table, list(by_kind[kind]), titles, avg, idf)
        return self

    def add(self, doc: dict) -> None:
        """Index one posting now (no refit); an existing posting with the same id is replaced."""
        kind, key = _kind(doc), _key(doc)
        self.remove(key)
        corpus = self._kinds[kind]
        cols, vals = self._vector(doc, corpus)
        row = encode(doc, lambda f: self._field_id(f, True))
        corpus.add(key, cols, vals, row, str(doc.get("title") or ""))

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
        """The saturated term frequencies of one doc, as the fit would have computed them.

        ``create=False`` (a query's own vector) leaves words the index has never seen out of the
        columns, but still counts them in the document length.
        """
        cols, vals, dl = [], [], [0.0, 0.0]
        for text, w in doc_texts(doc, self.config):
            kept = []
            for word in raw_words(text):
                if is_content_word(word):
                    col = self._col(word, create=create)
                    if col is not None:
                        cols.append(col)
                        vals.append(w)
                    dl[0] += w
                    kept.append(word)
                else:
                    kept.append("\n")
            b = bigram_buckets("".join(kept), self._bits)
            cols.extend(b.tolist())
            vals.extend([w] * len(b))
            dl[1] += w * len(b)
        if not cols:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        uniq, inv = np.unique(np.array(cols, np.int64), return_inverse=True)
        tf = np.bincount(inv, np.array(vals, np.float64))
        is_b = uniq < self._nb
        avg = np.where(is_b, corpus.avgdl[1] or dl[1], corpus.avgdl[0] or dl[0])
        own = np.where(is_b, dl[1], dl[0])
        k = self.config.k1 * (1 - self.config.b + self.config.b * own / np.maximum(avg, 1e-9))
        return uniq, (tf / (tf + k)).astype(np.float32)

    def _col(self, word: str, create: bool = False) -> int | None:
        n = len(self._words)
        if n:
            i = int(np.searchsorted(self._words, word))
            if i < n and self._words[i] == word:
                return self._nb + i
        c = self._extra.get(word)
        if c is None and create:
            c = self._extra[word] = self.n_cols
        return c

    # -- querying ----------------------------------------------------------------------------
    def _terms(self, doc: dict) -> tuple[np.ndarray, list[str]]:
        """Query columns (distinct; word columns first) and the words behind the word columns."""
        ws, bs = {}, set()
        for text, _ in doc_texts(doc, self.config):
            kept = []
            for word in raw_words(text):
                if is_content_word(word):
                    kept.append(word)
                    if word not in ws:
                        ws[word] = self._col(word)
                else:
                    kept.append("\n")
            bs.update(bigram_buckets("".join(kept), self._bits).tolist())
        names = [w for w, c in ws.items() if c is not None]
        cols = [ws[w] for w in names] + sorted(bs)
        return np.array(cols, np.int64), names

    def _weights(self, cols: np.ndarray, n_words: int, corpus: Corpus) -> np.ndarray:
        """idf per query term, each channel scaled to sum to its share: the text score is in [0, 1]."""
        w = corpus.idf_of(cols).astype(np.float64)
        sw, sb = w[:n_words].sum(), w[n_words:].sum()
        aw, ab = (1.0 if sw > 0 else 0.0), (self.config.bigram_weight if sb > 0 else 0.0)
        if aw + ab == 0:
            return w * 0
        w[:n_words] *= aw / (sw or 1) / (aw + ab)
        w[n_words:] *= ab / (sb or 1) / (aw + ab)
        return w

    def _rank(self, doc, kind, k, offset=0, exclude=(), structured=True, explain=False, relative=False):
        k, offset = max(int(k), 0), max(int(offset), 0)
        corpus = self._kinds[kind]
        cols, names = self._terms(doc)
        if not len(cols) or not k or not corpus.count:
            return []
        weights = self._weights(cols, len(names), corpus)
        live = weights > 0
        if not live.all():  # bigrams dropped by max_df: nothing to look up
            names = [w for w, ok in zip(names, live[: len(names)]) if ok]
            cols, weights = cols[live], weights[live]
        rows, text = corpus.postings.score(cols, weights)
        if relative:  # divide by the score the doc would get against an identical copy of itself
            own_cols, own_vals = self._vector(doc, corpus, create=False)
            at = np.searchsorted(own_cols, cols).clip(0, max(len(own_cols) - 1, 0))
            hit = own_cols[at] == cols if len(own_cols) else np.zeros(len(cols), bool)
            self_score = float(np.sum(weights[hit] * own_vals[at[hit]]))
            text = np.minimum(text / self_score, 1.0) if self_score > 0 else text
        drop = [r for r in (corpus.row_of(str(x)) for x in exclude) if r is not None]
        if drop:
            keep = ~np.isin(rows, drop)
            rows, text = rows[keep], text[keep]
        sigs = []
        if structured:
            q_kind = _kind(doc, "need")
            sigs = signals(self.config, encode(doc, self._field_id, q_kind), q_kind, corpus.table, rows)
            total = text * (1.0 + boost(self.config, sigs, len(rows)))
        else:
            total = text
        n = min(offset + k, len(rows))
        top = np.argpartition(-total, n - 1)[:n] if n < len(rows) else np.arange(len(rows))
        top = top[np.lexsort((rows[top], -total[top]))][offset:]
        if not explain:
            return [(corpus.id_at(int(rows[i])), float(total[i])) for i in top]
        out = []
        for i in top:
            r = int(rows[i])
            contrib = [(weights[j] * corpus.postings.value(r, int(cols[j])), names[j])
                       for j in range(len(names)) if explainable(names[j])]
            shared = [w for c, w in sorted(contrib, key=lambda t: -t[0]) if c > 0][:EXPLAIN]
            out.append(Suggestion(corpus.id_at(r), float(total[i]), float(text[i]), reasons_at(sigs, i), shared))
        return out

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

    def search(self, text: str, kind: str, k: int = 20, offset: int = 0) -> list[tuple[str, float]]:
        """Free-text search over one kind, text score only; ranks offset .. offset+k-1 (k=1000 is cheap)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        return self._rank({"description": text}, kind, k, offset=offset, structured=False)

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
    def load(cls, path, mmap: bool = True) -> "Matcher":
        """Open a saved index; with ``mmap`` the big arrays are shared read-only memory maps."""
        from .store import load

        return load(cls, path, mmap=mmap)


def _kind(doc: dict, default: str | None = None) -> str:
    kind = doc.get("kind") or default
    if kind not in KINDS:
        raise ValueError(f"doc kind must be one of {KINDS}, not {doc.get('kind')!r}")
    return kind


def _key(doc: dict) -> str:
    if doc.get("id") is None:
        raise ValueError("doc has no id")
    return str(doc["id"])
