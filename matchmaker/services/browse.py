"""Browsing and searching the public pool: filters on published postings, newest first.

Keyword search is Chinese-aware in the simplest robust way: each whitespace-separated term must
occur (as a substring, so 电池 finds 锂电池) in one of the posting's texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import String, Select, and_, cast, func, or_, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Organization, Posting
from matchmaker.services.postings import MODELS

TEXT_COLUMNS = {
    "achievement": ("title", "summary", "description", "advantages", "applications"),
    "need": ("title", "problem", "key_points", "goals"),
}
MAX_TERMS = 8


@dataclass
class Filters:
    q: str = ""
    field: str = ""
    region: str = ""
    trl: int | None = None  # achievements: maturity ≥ trl; needs: accept a result at trl
    mode: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyword_clause(model: type[Posting], kind: str, q: str):
    terms = [t for t in q.split() if t][:MAX_TERMS]
    clauses = []
    for term in terms:
        pattern = f"%{_escape_like(term)}%"
        columns = [getattr(model, name) for name in TEXT_COLUMNS[kind]] + [cast(model.keywords, String)]
        clauses.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return and_(*clauses) if clauses else None


def published_query(kind: str, filters: Filters) -> Select:
    model = MODELS[kind]
    stmt = select(model).join(model.organization).where(model.status == "published")
    if filters.q.strip():
        stmt = stmt.where(keyword_clause(model, kind, filters.q))
    if filters.field:
        stmt = stmt.where(model.field == filters.field)
    if filters.region:
        stmt = stmt.where(Organization.region == filters.region)
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
    return stmt.order_by(model.published_at.desc(), model.id.desc())


def browse(kind: str, filters: Filters, page: int, per_page: int):
    return db.paginate(published_query(kind, filters), page=page, per_page=per_page, error_out=False)


def latest(kind: str, limit: int = 6) -> list[Posting]:
    return list(db.session.scalars(published_query(kind, Filters()).limit(limit)).unique())


def counts_by_region() -> dict[str, dict[str, int]]:
    """Published postings per region and kind: {"beijing": {"achievement": 12, "need": 0}, …}."""
    result: dict[str, dict[str, int]] = {}
    for kind, model in MODELS.items():
        rows = db.session.execute(
            select(Organization.region, func.count(model.id))
            .join(model.organization)
            .where(model.status == "published")
            .group_by(Organization.region)
        )
        for region, count in rows:
            result.setdefault(region, {"achievement": 0, "need": 0})[kind] = count
    return result
