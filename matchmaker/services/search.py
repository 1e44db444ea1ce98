"""Keyword search over the published pool: the matcher's ``query.search`` with this pool's equivalents,
generic words and structured data.

A word also covers a posting when it names the posting's field (钢铁 → the 钢铁 field's postings), its
organization (part of the name) or its organization's city or region, in Chinese or English. The
equivalents are the curated list (``matching/data/equivalents.txt``), for the field filtered on when
there is one, else every field's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import or_, select

from matchmaker import domain
from matchmaker.extensions import db
from matchmaker.matching import query
from matchmaker.matching.equivalents import Equivalents
from matchmaker.matching.text import normalise
from matchmaker.models import Organization
from matchmaker.services.caching import VersionedCache
from matchmaker.services.postings import MODELS

MIN_NAME_PART = 2  # a word of one character never names an organization or a city


@dataclass
class Found:
    """Ranked ids (the database's, int64, best first) with what ranked them and what the page shows."""

    ids: np.ndarray
    partial_rows: np.ndarray = field(default_factory=lambda: np.empty(0, bool))  # misses a word
    scores: np.ndarray = field(default_factory=lambda: np.empty(0))  # weight of the words held
    relevance: np.ndarray = field(default_factory=lambda: np.empty(0))  # TF-IDF, for ties
    complete: int = 0  # results that hold every word
    highlights: list[str] = field(default_factory=list)  # words and equivalents to mark
    words: list[str] = field(default_factory=list)  # the words searched for (after segmenting)

    @property
    def partial(self) -> bool:
        return bool(len(self.ids)) and not self.complete


def search(kind: str, q: str, field_code: str = "") -> Found:
    """Published postings of ``kind`` for keywords ``q``, best first (``matching.query`` rules)."""
    from matchmaker.services.match_index import current_matcher

    equivalents, matcher = Equivalents.load(), current_matcher()
    result = query.search(
        matcher,
        kind,
        q,
        expand=lambda w: equivalents.expand(w, field_code or None),
        extra=lambda w: named_by(kind, w),
        learn=matcher.anchored_words,
    )
    ids = np.fromiter((int(key[1:]) for key in result.ids), np.int64)  # "a123" -> 123 (match_index.doc_id)
    return Found(
        ids,
        result.partial_rows,
        result.scores,
        result.relevance,
        result.complete,
        result.highlights(),
        [t.word for t in result.terms],
    )


named_cache = VersionedCache(size=512)  # (database, kind, word, pool version) -> matcher ids


def named_by(kind: str, word: str) -> list[str]:
    """Matcher ids of the published postings of ``kind`` whose field, organization, city or region
    the word names (a field or region label it equals or lies within, part of an organization name);
    kept per process until the pool changes (a field's name may name a tenth of the pool)."""
    from matchmaker.services.match_index import pool_version

    word = normalise(word)
    if len(word) < MIN_NAME_PART:
        return []
    key = (db.engine.url.render_as_string(), kind, word, pool_version())
    ids = named_cache.get(key)
    if ids is None:
        ids = _named_by(kind, word)
        named_cache.put(key, ids)
    return ids


def _named_by(kind: str, word: str) -> list[str]:
    from matchmaker.services.match_index import PREFIX

    latin = query.is_latin(word)  # a Latin word names only whole tokens: PP is not inside "apparel"
    inside = (lambda text: query.has_token(text, word)) if latin else (lambda text: word in text)
    fields = [code for code, pair in domain.FIELDS.items() if any(inside(normalise(label)) for label in pair)]
    regions = [code for code, pair in domain.REGIONS.items() if any(word == normalise(label) for label in pair)]
    cities = [
        city
        for names in domain.CITIES.values()
        for city, pinyin in names.items()
        if word in normalise(city) or word == normalise(pinyin)
    ]
    named = db.session.execute(
        select(Organization.id, Organization.name).where(
            or_(  # organizations: a small table
                Organization.name.contains(word, autoescape=True),
                Organization.region.in_(regions),
                Organization.city.in_(cities),
            )
        )
    ).all()
    orgs = [
        i for i, name in named if not latin or query.has_token(normalise(name), word) or (word not in normalise(name))
    ]  # kept when named by its region or city
    if not fields and not orgs:
        return []
    model = MODELS[kind]
    stmt = select(model.id).where(
        model.status == "published", or_(model.field.in_(fields), model.organization_id.in_(orgs))
    )
    return [PREFIX[kind] + str(i) for i in db.session.scalars(stmt)]
