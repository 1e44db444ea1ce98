"""Keyword search as people expect it: postings with every query word first, distinctive words before generic ones.

A query is split at spaces into words (at most ``MAX_TERMS``); each word stands with its equivalents
(氢能 → 制氢, 氢气, 储氢 …, ``equivalents``). A posting *covers* a word when its text contains the word
or an equivalent (Latin words such as PLC, 5G, MES only as whole tokens, case-insensitively), or when
the caller says so (a field, organization or city named by the word: ``extra``). Then:

Equivalents are curated; for a word without any that few postings hold, the pool's own words built
on its distinctive character stand in (``Matcher.anchored_words``: 氢能 → 制氢, 氢气, 富氢 …).

1. postings covering every word come first; below them the partial ones, by the weight of what they
   cover: a distinctive word weighs its idf over the pool, a generic one (材料, 技术 …) little, an
   equivalent a little less than the word itself;
2. a posting covering only generic words is left out while others cover a distinctive one;
3. within a tier the matcher's relevance (TF-IDF over words and bigrams, of the words and their
   equivalents) orders, then the caller's order (newest first);
4. a word of four or more characters that nothing contains (锂电池正极材料, typed without spaces) is
   segmented into its words;
5. when no posting covers a distinctive word, nothing is found: generic words alone (材料) find
   nothing, and the matcher's bigram relevance never stands in for a word no posting holds (PLC
   must not find RTO; that was the old search's noise).

Pure: the matcher, equivalents and generic words are given; the database is the caller's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .text import is_content_word, normalise, raw_words

MAX_TERMS = 8
EQUIVALENT_SHARE = 0.8  # an equivalent covers a word at this share of the word's weight
GENERIC_WEIGHT = 0.1  # a generic word's weight, against ~1 + idf for a distinctive one
LEARN_BELOW = 3  # a word fewer postings hold than this is also looked for by equivalents learnt from the pool
_LATIN = re.compile(r"^[0-9a-z][0-9a-z.+#_-]*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_latin(word: str) -> bool:
    """A word of Latin letters and digits (PLC, 5G, SiC, 304): matched as a whole token."""
    return bool(_LATIN.match(normalise(word)))


def has_token(text: str, token: str) -> bool:
    """Does normalised ``text`` hold ``token`` as a whole token (not inside a longer Latin word)?"""
    return re.search(rf"(?<![0-9a-z]){re.escape(normalise(token))}(?![0-9a-z])", text) is not None


_SEPARATOR = re.compile(r"[^\w.+\-#]+")  # anything but letters, digits, CJK and the joiners of PM2.5, C++, Wi-Fi
_EDGE = ".-_#"


def split_words(q: str) -> list[str]:
    """The query's words: normalised, split at spaces, punctuation and symbols (钢渣？ is 钢渣, an emoji
    or a byte-order mark is nothing), distinct, at most MAX_TERMS."""
    words = (w.strip(_EDGE) for w in _SEPARATOR.split(normalise(q or "")))
    return list(dict.fromkeys(w for w in words if w))[:MAX_TERMS]


def segment(word: str) -> list[str]:
    """A long word typed without spaces, as its content words (锂电池正极材料 → 锂电池, 正极, 材料)."""
    return list(dict.fromkeys(w for w in raw_words(normalise(word)) if is_content_word(w) and w.strip()))


@dataclass(frozen=True)
class Term:
    word: str
    variants: tuple[str, ...]  # the word first, then its equivalents
    latin: bool
    generic: bool


@dataclass
class Result:
    """The ranked postings as rows of the matcher's ``kind``, best first, with what ranked them."""

    rows: np.ndarray  # best first (ties by row: a caller with its own order re-sorts stably by the arrays)
    terms: list[Term]
    partial_rows: np.ndarray = field(default_factory=lambda: np.empty(0, bool))  # misses a word
    scores: np.ndarray = field(default_factory=lambda: np.empty(0))  # the words' weights it holds
    relevance: np.ndarray = field(default_factory=lambda: np.empty(0))  # TF-IDF, for ties
    matcher: object = None
    kind: str = ""

    @property
    def ids(self) -> list[str]:
        """The matcher's ids, best first."""
        return self.matcher.ids_of(self.kind, self.rows) if len(self.rows) else []

    @property
    def complete(self) -> int:
        """How many results cover every term."""
        return int((~self.partial_rows).sum())

    @property
    def partial(self) -> bool:
        """Results, none of which covers every term."""
        return bool(len(self.rows)) and not self.complete

    def highlights(self) -> list[str]:
        """Every word and equivalent to mark in the result cards."""
        return list(dict.fromkeys(v for t in self.terms for v in t.variants))


def make_term(word: str, expand: Callable[[str], list[str]], generic: frozenset[str]) -> Term:
    variants = tuple(dict.fromkeys([word] + [normalise(v) for v in expand(word)]))
    return Term(word, variants, is_latin(word), word in generic)


def search(
    matcher,
    kind: str,
    q: str,
    *,
    expand: Callable[[str], list[str]] = lambda w: [w],
    generic: frozenset[str] | None = None,
    extra: Callable[[str], Iterable[str]] | None = None,
    learn: Callable[[str], list[str]] | None = None,
    relevance_depth: int = 2000,
    relevance_floor: float = 0.03,
) -> Result:
    """Rank the postings of ``kind`` for keywords ``q`` (see the module's rules).

    ``expand(word)`` gives the word's curated equivalents; ``learn(word)`` equivalents learnt from the
    pool (``Matcher.anchored_words``), asked only for a word with no curated ones that fewer than
    ``LEARN_BELOW`` postings hold; ``extra(word)`` ids of postings covering the word by their
    structured data (field, organization, city). Ids are the matcher's.
    """
    generic = matcher.generic_words() if generic is None else generic
    terms: list[Term] = []
    found: list[tuple[np.ndarray, np.ndarray]] = []  # per term: (rows holding it, rows holding only an equivalent)
    for word in split_words(q):
        term = make_term(word, expand, generic)
        hits = _covering(matcher, kind, term, extra)
        if learn is not None and len(term.variants) == 1 and len(hits[0]) < LEARN_BELOW and not term.generic:
            learned = tuple(w for w in map(normalise, learn(word)) if w != word)
            if learned:
                term = Term(word, (word, *learned), term.latin, term.generic)
                hits = _covering(matcher, kind, term, extra)
        if not (len(hits[0]) or len(hits[1])) and len(word) >= 4 and _CJK.search(word):
            for part in segment(word):  # typed without spaces: its words, each on its own
                if part not in {t.word for t in terms}:
                    sub = make_term(part, expand, generic)
                    terms.append(sub)
                    found.append(_covering(matcher, kind, sub, extra))
            continue
        terms.append(term)
        found.append(hits)
    terms, found = terms[:MAX_TERMS], found[:MAX_TERMS]
    none = Result(np.empty(0, np.int64), terms, matcher=matcher, kind=kind)
    if not any(len(e) or len(o) for (e, o), t in zip(found, terms) if not t.generic) and not all(
        t.generic for t in terms
    ):
        return none  # no posting holds a distinctive word: generic ones alone find nothing
    # Scored over every row at once (thousands of hits at 10^5: one pass of numpy, no dict per hit).
    size = matcher.row_count(kind)
    score, covers, distinctive = np.zeros(size), np.zeros(size, np.int32), np.zeros(size, bool)
    n = max(matcher.count(kind), 1)
    for term, (exact, other) in zip(terms, found):  # exact and other: distinct rows, disjoint
        weight = GENERIC_WEIGHT if term.generic else 1.0 + math.log((n + 1) / (len(exact) + len(other) + 1))
        score[exact] += weight
        score[other] += weight * EQUIVALENT_SHARE
        covers[exact] += 1
        covers[other] += 1
        if not term.generic:
            distinctive[exact] = distinctive[other] = True
    rows = np.flatnonzero(covers)
    if distinctive.any():  # others cover a distinctive word: generic-only hits are left out
        rows = rows[distinctive[rows]]
    if not len(rows):
        return none
    text = " ".join(v for t in terms for v in t.variants)
    relevance = np.zeros(size)
    ranked = [(key, s) for key, s in matcher.search(text, kind, k=relevance_depth) if s >= relevance_floor]
    if ranked:
        at = matcher.rows_of(kind, [key for key, _s in ranked])
        by_row = dict(zip(matcher.ids_of(kind, at), at.tolist()))
        for key, s in ranked:
            if key in by_row:
                relevance[by_row[key]] = s
    partial, scores, rel = covers[rows] < len(terms), np.round(score[rows], 9), relevance[rows]
    order = np.lexsort((rows, -rel, -scores, partial))
    return Result(rows[order], terms, partial[order], scores[order], rel[order], matcher, kind)


def _covering(matcher, kind: str, term: Term, extra) -> tuple[np.ndarray, np.ndarray]:
    """(rows containing the word itself or named by it in ``extra``, rows containing only an equivalent)."""
    exact = matcher.containing_rows([term.word], kind, whole_token=term.latin)
    if extra is not None:
        named = list(extra(term.word))
        if named:
            exact = np.union1d(exact, matcher.rows_of(kind, named))
    parts = [matcher.containing_rows([v], kind, whole_token=is_latin(v)) for v in term.variants[1:]]
    other = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.int64)
    return exact, np.setdiff1d(other, exact, assume_unique=True)
