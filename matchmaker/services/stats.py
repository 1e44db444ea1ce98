"""The region's figures for the admin dashboard and the API: pool, funnel, flows, self-sufficiency.

Everything here is read-only and JSON-safe, so the dashboard, its CSV download and
``GET /api/v1/admin/stats`` show the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, literal_column, select
from sqlalchemy.orm import aliased

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need, Notification, Organization
from matchmaker.services import matching
from matchmaker.services.suggestions import feedback_counts

SUPPLY_REGIONS = ("beijing", "tianjin")
COMMON_NEED_MIN_SIMILARITY = 0.4  # matcher similarity of two needs (identical = 1.0)


def _month(column):
    """'YYYY-MM' of a date/datetime column, on SQLite and PostgreSQL."""
    # Literal formats (not bound parameters) so GROUP BY repeats the very same expression on PostgreSQL.
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def postings_by(column_name: str) -> dict[str, dict[str, int]]:
    """Published postings per region or field: {"hebei": {"achievement": 3, "need": 12}, ...}."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: {"achievement": 0, "need": 0})
    for kind, model in (("achievement", Achievement), ("need", Need)):
        column = Organization.region if column_name == "region" else model.field
        rows = db.session.execute(
            select(column, func.count(model.id)).join(model.organization).where(model.status == "published").group_by(column)
        )
        for key, count in rows:
            result[key][kind] = count
    return dict(result)


def funnel_by_month() -> dict[str, dict[str, int]]:
    """Per month: strong suggestions announced, interests, accepted introductions, deals."""
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"suggestions": 0, "interests": 0, "accepted": 0, "deals": 0})
    queries = {
        "suggestions": select(_month(Notification.created_at), func.count(distinct(Notification.dedupe_key)))
        .where(Notification.event == "strong_suggestion").group_by(_month(Notification.created_at)),
        "interests": select(_month(Interest.created_at), func.count(Interest.id)).group_by(_month(Interest.created_at)),
        "accepted": select(_month(Interest.accepted_at), func.count(Interest.id))
        .where(Interest.accepted_at.is_not(None)).group_by(_month(Interest.accepted_at)),
        "deals": select(_month(Deal.signed_on), func.count(Deal.id)).group_by(_month(Deal.signed_on)),
    }
    for stage, stmt in queries.items():
        for month, count in db.session.execute(stmt):
            months[month][stage] = count
    return dict(sorted(months.items()))


def deal_flows() -> list[dict]:
    """Deals and amounts from the supplier's region to the demander's: 北京→河北, 天津→河北, ..."""
    supplier, demander = aliased(Organization), aliased(Organization)
    rows = db.session.execute(
        select(supplier.region, demander.region, func.count(Deal.id), func.coalesce(func.sum(Deal.amount_wan), 0))
        .select_from(Deal)
        .join(Interest, Deal.interest_id == Interest.id)
        .join(Achievement, Interest.achievement_id == Achievement.id)
        .join(Need, Interest.need_id == Need.id)
        .join(supplier, Achievement.organization_id == supplier.id)
        .join(demander, Need.organization_id == demander.id)
        .group_by(supplier.region, demander.region)
    )
    return [
        {"from": src, "to": dst, "deals": count, "amount_wan": float(amount)}
        for src, dst, count, amount in sorted(rows, key=lambda r: (-r[2], r[0], r[1]))
    ]


@dataclass
class HebeiCoverage:
    """Which published Hebei needs have a strong Beijing/Tianjin suggestion or an introduction."""

    needs: list[Need] = field(default_factory=list)
    strong: set[int] = field(default_factory=set)
    introduced: set[int] = field(default_factory=set)
    best: dict[int, list[matching.SuggestionView]] = field(default_factory=dict)


def hebei_coverage() -> HebeiCoverage:
    coverage = HebeiCoverage()
    coverage.needs = list(db.session.scalars(
        select(Need).join(Need.organization).where(Need.status.in_(("published", "fulfilled")), Organization.region == "hebei")
    ))
    for need in coverage.needs:
        views = [v for v in matching.suggestions_for(need, k=5) if v.posting.organization.region in SUPPLY_REGIONS]
        coverage.best[need.id] = views
        if any(v.strength == "strong" for v in views):
            coverage.strong.add(need.id)
    ids = [n.id for n in coverage.needs]
    if ids:
        coverage.introduced = set(db.session.scalars(
            select(Interest.need_id).where(Interest.need_id.in_(ids), Interest.accepted_at.is_not(None))
        ))
    return coverage


def self_sufficiency(coverage: HebeiCoverage) -> dict:
    total = len(coverage.needs)
    share = (lambda n: round(n / total, 4) if total else 0.0)
    return {
        "hebei_needs": total,
        "with_strong_suggestion": len(coverage.strong),
        "with_introduction_or_deal": len(coverage.introduced),
        "strong_suggestion_rate": share(len(coverage.strong)),
        "introduction_rate": share(len(coverage.introduced)),
    }


def unmet_demand(coverage: HebeiCoverage) -> list[dict]:
    """Fields × Hebei cities whose needs have no strong suggestion: where to scout for supply."""
    cells: dict[tuple[str, str], list[Need]] = defaultdict(list)
    for need in coverage.needs:
        if need.id not in coverage.strong and need.status == "published":
            cells[(need.field, need.organization.city)].append(need)
    return [
        {"field": f, "city": city, "needs": len(needs), "titles": [n.title for n in needs], "ids": [n.id for n in needs]}
        for (f, city), needs in sorted(cells.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def common_needs(coverage: HebeiCoverage, min_similarity: float = COMMON_NEED_MIN_SIMILARITY) -> list[dict]:
    """Clusters of similar needs posted by several firms (共性需求), with the achievements that fit them."""
    by_id = {n.id: n for n in coverage.needs if n.status == "published"}
    parent = {i: i for i in by_id}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for need in by_id.values():
        for other, score in matching.similar_postings(need, k=5):
            if other.id in by_id and score >= min_similarity:
                parent[root(need.id)] = root(other.id)
    groups: dict[int, list[Need]] = defaultdict(list)
    for need_id, need in by_id.items():
        groups[root(need_id)].append(need)
    clusters = []
    for members in groups.values():
        firms = sorted({n.organization.name for n in members})
        if len(firms) < 2:
            continue
        scored: dict[int, tuple[float, object]] = {}
        for need in members:
            for view in coverage.best.get(need.id, []):
                best = scored.get(view.posting.id)
                if best is None or view.score > best[0]:
                    scored[view.posting.id] = (view.score, view.posting)
        top = sorted(scored.values(), key=lambda pair: -pair[0])[:5]
        clusters.append({
            "needs": [{"id": n.id, "title": n.title, "firm": n.organization.name, "city": n.organization.city} for n in members],
            "firms": firms,
            "achievements": [{"id": a.id, "title": a.title, "institution": a.organization.name, "score": round(s, 3)} for s, a in top],
            "institutions": sorted({a.organization.name for _s, a in top}),
        })
    clusters.sort(key=lambda c: (-len(c["firms"]), c["needs"][0]["title"]))
    return clusters


def overview() -> dict:
    """Every dashboard figure, JSON-safe (the API's ``/admin/stats`` returns exactly this)."""
    coverage = hebei_coverage()
    return {
        "postings_by_region": postings_by("region"),
        "postings_by_field": postings_by("field"),
        "funnel_by_month": funnel_by_month(),
        "deal_flows": deal_flows(),
        "self_sufficiency": self_sufficiency(coverage),
        "unmet_demand": unmet_demand(coverage),
        "common_needs": common_needs(coverage),
        "feedback": feedback_counts(),
    }
