"""Browsing and searching the public pool: filters on published postings, in the order asked for.

Without keywords, the newest come first. With keywords, ``services.search`` ranks them: postings
holding every word (or an equivalent) first, then the partial ones by the weight of the distinctive
words they hold, each tier by relevance, then newest first (``matching.query``). The hits come from
the match index (its character-gram lists answer "contains"), so a search never scans the texts of
the pool; the database only orders and filters ids. ``sort`` orders by 最新 (newest), 截止日期
(deadline, soonest first; needs) or 预算/价格 (budget or price, highest first) instead.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, replace
from decimal import Decimal

import numpy as np
from sqlalchemy import Select, String, and_, cast, func, or_, select

from matchmaker import clock
from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Organization, Posting
from matchmaker.paging import Page
from matchmaker.services.caching import VersionedCache
from matchmaker.services.postings import MODELS

TEXT_COLUMNS = {
    "achievement": ("title", "summary", "description", "advantages", "applications"),
    "need": ("title", "problem", "key_points", "goals"),
}
MAX_TERMS = 8  # as matching.query


@dataclass
class Filters:
    q: str = ""
    field: str = ""
    region: str = ""
    trl: int | None = None  # achievements: maturity ≥ trl; needs: accept a result at trl
    mode: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = ""  # "" (relevance with keywords, else newest), or one of SORTS[kind]


# Orders a list may be sorted by, per kind ("relevance" orders keyword results; without keywords, newest).
SORTS = {"achievement": ("relevance", "newest", "price"), "need": ("relevance", "newest", "deadline", "budget")}


def filters_to_params(filters: Filters) -> dict:
    """Filters as a JSON-safe dict (saved searches), empty values left out."""
    params = {k: v for k, v in vars(filters).items() if v not in (None, "")}
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in params.items()}


def params_to_filters(params: dict) -> Filters:
    values = dict(params)
    for key in ("price_min", "price_max"):
        if values.get(key) is not None:
            values[key] = Decimal(str(values[key]))
    return Filters(**{k: v for k, v in values.items() if k in Filters.__dataclass_fields__})


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyword_clause(model: type[Posting], kind: str, q: str):
    clauses = []
    for term in keyword_terms(q):
        pattern = f"%{_escape_like(term)}%"
        columns = [getattr(model, name) for name in TEXT_COLUMNS[kind]] + [cast(model.keywords, String)]
        clauses.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return and_(*clauses) if clauses else None


def keyword_terms(q: str) -> list[str]:
    return [t for t in q.split() if t][:MAX_TERMS]


def published_query(kind: str, filters: Filters) -> Select:
    """Published postings passing the filters, newest first.

    Keywords become a substring test of each row's text (ILIKE): fit for checking one posting (a
    saved search against a newly published one), never for searching the pool (``browse`` asks the
    index instead).
    """
    model = MODELS[kind]
    stmt = select(model).where(model.status == "published")
    if filters.q.strip():
        stmt = stmt.where(keyword_clause(model, kind, filters.q))
    if filters.field:
        stmt = stmt.where(model.field == filters.field)
    if filters.region:  # a subquery, not a join: the count then stays on the (status, …) index
        stmt = stmt.where(
            model.organization_id.in_(select(Organization.id).where(Organization.region == filters.region))
        )
    if filters.mode:
        stmt = stmt.where(model.modes_text.like(f"%|{filters.mode}|%"))
    if filters.trl is not None:
        stmt = stmt.where(Achievement.trl >= filters.trl if kind == "achievement" else Need.min_trl <= filters.trl)
    low_col, high_col = (
        (Achievement.price_min, Achievement.price_max) if kind == "achievement" else (Need.budget_min, Need.budget_max)
    )
    # Ranges overlap when neither lies wholly beyond the other; 面议 (no bounds) always overlaps.
    if filters.price_min is not None:
        stmt = stmt.where(or_(high_col.is_(None), high_col >= filters.price_min))
    if filters.price_max is not None:
        stmt = stmt.where(or_(low_col.is_(None), low_col <= filters.price_max))
    newest = (model.published_at.desc(), model.id.desc())
    if filters.sort == "deadline" and kind == "need":  # soonest first; passed (until expired) and open-ended ones last
        return stmt.order_by(Need.deadline.is_(None), Need.deadline < clock.today(), Need.deadline.asc(), *newest)
    if filters.sort in ("budget", "price"):  # the highest upper bound first; 面议 last
        return stmt.order_by(high_col.is_(None), high_col.desc(), low_col.desc(), *newest)
    return stmt.order_by(*newest)


@dataclass
class Results(Page):
    """A page of postings; with keywords, also the search behind it (``found``)."""

    found: object | None = None


def _page_of(kind: str, ids, page: int, per_page: int, found=None) -> Results:
    """Page ``page`` of ``ids``, already in order (relevance, or newest first): only its rows are loaded."""
    page, per_page = max(page, 1), min(per_page, 100) if per_page > 0 else 20  # as db.paginate (error_out=False)
    start = (page - 1) * per_page
    wanted = [int(i) for i in ids[start : start + per_page]]
    model = MODELS[kind]
    rows = {p.id: p for p in db.session.scalars(select(model).where(model.id.in_(wanted)))} if wanted else {}
    return Results(
        page=page, per_page=per_page, total=len(ids), items=[rows[i] for i in wanted if i in rows], found=found
    )


# Recent keyword searches (ordered ids): paging through results or a popular query then costs one page
# of rows instead of a ranking, a substring lookup and the ordering of the hits.
search_cache = VersionedCache()
order_cache = VersionedCache(size=32)  # published ids newest first, per kind and filters


def browse(kind: str, filters: Filters, page: int, per_page: int):
    """One page of published postings passing the filters, in the filters' order. Without keywords:
    from the filter's id list (kept until the pool changes), so a deep page costs what the first
    does. With keywords the page also carries the search (``page.found``: words to highlight,
    whether any result holds every word)."""
    if not filters.q.strip():
        ids = _newest_first(kind, replace(filters, q="", sort="" if filters.sort == "relevance" else filters.sort))
        return _page_of(kind, ids, page, per_page)
    from matchmaker.services import match_index

    key = (db.engine.url.render_as_string(), kind, match_index.pool_version(), astuple(filters))
    cached = search_cache.get(key)
    if cached is None:
        cached = _ranked_ids(kind, filters)
        search_cache.put(key, cached)
    ids, found = cached
    return _page_of(kind, ids, page, per_page, found)


def _ranked_ids(kind: str, filters: Filters):
    """(ids passing the filters in the order asked for, the search behind them)."""
    from matchmaker.services import search

    found = search.search(kind, filters.q, filters.field)
    if not len(found.ids):
        return [], found
    by_relevance = filters.sort in ("", "relevance")
    order = _newest_first(kind, replace(filters, q="", sort="" if by_relevance else filters.sort))
    ids = order[np.isin(order, found.ids)]  # passing the filters, in the order asked for
    sorter = np.argsort(found.ids)
    at = sorter[np.searchsorted(found.ids, ids, sorter=sorter)]  # each id's place in the search's arrays
    if by_relevance:  # every word first, then the words' weight, then relevance; ties stay newest first
        ids = ids[np.lexsort((np.arange(len(ids)), -found.relevance[at], -found.scores[at], found.partial_rows[at]))]
        at = sorter[np.searchsorted(found.ids, ids, sorter=sorter)]
    found.complete = int((~found.partial_rows[at]).sum())  # after the filters
    return ids.tolist(), found


def _newest_first(kind: str, filters: Filters) -> np.ndarray:
    """Ids of the published postings passing ``filters`` (no keywords), newest first, kept per process
    until the pool changes. Without filters, or by field or region, an index holds them all in order
    (~60 ms at 100,000; the warm-up reads the unfiltered lists); the other filters read rows."""
    from matchmaker.services import match_index

    key = (db.engine.url.render_as_string(), kind, match_index.pool_version(), astuple(filters))
    ids = order_cache.get(key)
    if ids is None:
        model = MODELS[kind]
        stmt = published_query(kind, filters).with_only_columns(model.id)
        ids = np.fromiter(db.session.connection().execute(stmt).scalars(), np.int64)  # Core rows: no ORM cost
        order_cache.put(key, ids)
    return ids


def latest(kind: str, limit: int = 6) -> list[Posting]:
    return list(db.session.scalars(published_query(kind, Filters()).limit(limit)).unique())


def counts_by_region(cached: bool = True) -> dict[str, dict[str, int]]:
    """Published postings per region and kind: {"beijing": {"achievement": 12, "need": 0}, …}.

    Grouped by (organization, status) with no WHERE, so every database reads it from the covering
    (organization_id, status) index; a ``WHERE status = …`` lets SQLite (without ANALYZE statistics)
    pick the status index and read every row's full text instead (~20 ms at 10,000 postings, not ~1).
    Still ~10 ms at 150,000, so the home page's copy is kept until the pool changes (``cached``).
    """
    if cached:
        from matchmaker.services import match_index

        key = (db.engine.url.render_as_string(), "regions", match_index.pool_version())
        counts = order_cache.get(key)
        if counts is None:
            counts = counts_by_region(cached=False)
            order_cache.put(key, counts)
        return counts
    regions = {org_id: region for org_id, region in db.session.execute(select(Organization.id, Organization.region))}
    result: dict[str, dict[str, int]] = {}
    for kind, model in MODELS.items():
        rows = db.session.execute(
            select(model.organization_id, model.status, func.count()).group_by(model.organization_id, model.status)
        )
        for org_id, status, count in rows:
            if status == "published":
                counts = result.setdefault(regions[org_id], {"achievement": 0, "need": 0})
                counts[kind] += count
    return result
