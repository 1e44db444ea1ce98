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
    ids: list[str]  # best first (ties by id; a caller with its own order re-sorts stably by ``keys``)
    terms: list[Term]
    keys: dict[str, tuple] = field(default_factory=dict)  # id -> sort key (smaller is better)
    complete: int = 0  # how many of ``ids`` cover every term

    @property
    def partial(self) -> bool:
        """Results, none of which covers every term."""
        return bool(self.ids) and not self.complete

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
    found: list[tuple[set[str], set[str]]] = []  # per term: (exact hits, hits by an equivalent)
    for word in split_words(q):
        term = make_term(word, expand, generic)
        hits = _covering(matcher, kind, term, extra)
        if learn is not None and len(term.variants) == 1 and len(hits[0]) < LEARN_BELOW and not term.generic:
            learned = tuple(w for w in map(normalise, learn(word)) if w != word)
            if learned:
                term = Term(word, (word, *learned), term.latin, term.generic)
                hits = _covering(matcher, kind, term, extra)
        if not any(hits) and len(word) >= 4 and _CJK.search(word):
            for part in segment(word):  # typed without spaces: its words, each on its own
                if part not in {t.word for t in terms}:
                    sub = make_term(part, expand, generic)
                    terms.append(sub)
                    found.append(_covering(matcher, kind, sub, extra))
            continue
        terms.append(term)
        found.append(hits)
    terms, found = terms[:MAX_TERMS], found[:MAX_TERMS]
    if not any(e or o for i, (e, o) in enumerate(found) if not terms[i].generic) and not all(t.generic for t in terms):
        return Result([], terms)  # no posting holds a distinctive word: generic ones alone find nothing
    text = " ".join(v for t in terms for v in t.variants)
    relevance = {key: score for key, score in matcher.search(text, kind, k=relevance_depth) if score >= relevance_floor}
    n = max(matcher.count(kind), 1)
    weights = [
        GENERIC_WEIGHT if t.generic else 1.0 + math.log((n + 1) / (len(e | o) + 1)) for t, (e, o) in zip(terms, found)
    ]
    score: dict[str, float] = {}
    covers: dict[str, int] = {}
    reaches_distinctive: set[str] = set()
    for i, (exact, other) in enumerate(found):
        for key in exact | other:
            score[key] = score.get(key, 0.0) + weights[i] * (1.0 if key in exact else EQUIVALENT_SHARE)
            covers[key] = covers.get(key, 0) + 1
            if not terms[i].generic:
                reaches_distinctive.add(key)
    if reaches_distinctive:  # others cover a distinctive word: generic-only hits are left out
        score = {key: v for key, v in score.items() if key in reaches_distinctive}
    keys = {key: (covers[key] < len(terms), -round(v, 9), -relevance.get(key, 0.0)) for key, v in score.items()}
    ids = sorted(keys, key=lambda key: (keys[key], key))
    return Result(ids, terms, keys, complete=sum(1 for key in ids if not keys[key][0]))


def _covering(matcher, kind: str, term: Term, extra) -> tuple[set[str], set[str]]:
    """(ids containing the word itself or named by it in ``extra``, ids containing only an equivalent)."""
    exact = set(matcher.containing_any([term.word], kind, whole_token=term.latin))
    if extra is not None:
        exact.update(extra(term.word))
    other: set[str] = set()
    for variant in term.variants[1:]:
        other.update(matcher.containing_any([variant], kind, whole_token=is_latin(variant)))
    return exact, other - exact
