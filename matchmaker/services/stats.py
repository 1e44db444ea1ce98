"""How each dashboard figure is counted: from the postings, the interests and the ``need_coverage`` rows.

These functions are the definition of every figure; ``figures`` runs them when their sources changed
(or all of them, ``flask pool stats refresh``) and stores the results, which the dashboard, its CSV
and ``GET /api/v1/admin/stats`` read. Everything is JSON-safe. Each function reads only indexes or
the coverage rows, never the matcher: the matcher's part is in ``coverage``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.cluster import DBSCAN
from sqlalchemy import distinct, func, literal_column, select
from sqlalchemy.orm import aliased

from matchmaker.extensions import db
from matchmaker.models import Achievement, Challenge, Deal, Interest, Need, NeedCoverage, Organization, Proposal
from matchmaker.models.posting import POSTING_MODELS
from matchmaker.services import browse
from matchmaker.services.coverage import COMMON_NEED_MIN_SIMILARITY

SAMPLE = 5  # titles shown per unmet cell
CLUSTER_SAMPLE = 8  # needs shown per group of common needs
MODELS = POSTING_MODELS


def _month(column):
    """'YYYY-MM' of a date/datetime column, on SQLite and PostgreSQL."""
    # Literal formats (not bound parameters) so GROUP BY repeats the very same expression on PostgreSQL.
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def postings_by(column_name: str) -> dict[str, dict[str, int]]:
    """Published postings per region or field: {"hebei": {"achievement": 3, "need": 12}, ...}.

    Grouped on the (organization_id, status) and (status, field, ...) indexes: no posting row is read.
    """
    if column_name == "region":
        return browse.counts_by_region(cached=False)
    result: dict[str, dict[str, int]] = defaultdict(lambda: {"achievement": 0, "need": 0})
    for kind, model in MODELS.items():
        rows = db.session.execute(
            select(model.field, func.count()).where(model.status == "published").group_by(model.status, model.field)
        )
        for key, count in rows:
            result[key][kind] = count
    return dict(result)


PUBLIC_NEEDS = ("published", "fulfilled")  # the needs the pool counts: in it, or met through it


def funnel() -> dict[str, dict[str, int]]:
    """Needs (published or fulfilled) by how far they got: every stage a subset of the one before
    (an accepted interest was an interest first, a deal was accepted first), so it never grows."""
    public = select(Need.id).where(Need.status.in_(PUBLIC_NEEDS))

    def reached(*where) -> int:
        return (
            db.session.scalar(
                select(func.count(distinct(Interest.need_id))).where(Interest.need_id.in_(public), *where)
            )
            or 0
        )

    with_deal = (
        db.session.scalar(
            select(func.count(distinct(Interest.need_id)))
            .join(Deal, Deal.interest_id == Interest.id)
            .where(Interest.need_id.in_(public))
        )
        or 0
    )
    return {
        "needs": {"count": db.session.scalar(select(func.count()).select_from(public.subquery())) or 0},
        "with_interest": {"count": reached()},
        "accepted": {"count": reached(Interest.accepted_at.is_not(None))},
        "deal": {"count": with_deal},
    }


def funnel_by_month() -> dict[str, dict[str, int]]:
    """Per month: interests expressed, introductions accepted, deals signed (events, any posting)."""
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"interests": 0, "accepted": 0, "deals": 0})
    queries = {
        "interests": select(_month(Interest.created_at), func.count(Interest.id)).group_by(_month(Interest.created_at)),
        "accepted": select(_month(Interest.accepted_at), func.count(Interest.id))
        .where(Interest.accepted_at.is_not(None))
        .group_by(_month(Interest.accepted_at)),
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
    ).all()
    # An awarded challenge's deal flows from the winning team's lead to the challenge's lead sponsor.
    challenge_rows = db.session.execute(
        select(supplier.region, demander.region, func.count(Deal.id), func.coalesce(func.sum(Deal.amount_wan), 0))
        .select_from(Deal)
        .join(Challenge, Deal.challenge_id == Challenge.id)
        .join(Proposal, (Proposal.challenge_id == Challenge.id) & (Proposal.status == "awarded"))
        .join(supplier, Proposal.lead_org_id == supplier.id)
        .join(demander, Challenge.lead_org_id == demander.id)
        .group_by(supplier.region, demander.region)
    ).all()
    merged: dict[tuple[str, str], list] = {}
    for src, dst, count, amount in [*rows, *challenge_rows]:
        entry = merged.setdefault((src, dst), [0, 0.0])
        entry[0] += count
        entry[1] += float(amount)
    return [
        {"from": src, "to": dst, "deals": count, "amount_wan": amount}
        for (src, dst), (count, amount) in sorted(merged.items(), key=lambda r: (-r[1][0], r[0][0], r[0][1]))
    ]


def _hebei(*columns):
    return select(*columns).where(NeedCoverage.region == "hebei")


def self_sufficiency() -> dict:
    """The report's measures for Hebei's needs, each with its own denominator (the page defines them):

    * ``hebei_needs``: published Hebei needs (the count the home page and the region chart show);
      ``strong_suggestion_rate``: the share of them with at least one strong Beijing/Tianjin suggestion;
    * ``hebei_needs_all``: published or fulfilled Hebei needs; ``introduction_rate``: the share with an
      accepted introduction (or a deal); ``self_sufficiency_rate`` (区域自给率): the share met by a deal
      with a Beijing or Tianjin achievement.
    """
    total, strong = db.session.execute(
        _hebei(func.count(), func.count().filter(NeedCoverage.strong > 0)).where(NeedCoverage.status == "published")
    ).one()
    everyone = _hebei(NeedCoverage.need_id)
    total_all = db.session.scalar(select(func.count()).select_from(everyone.subquery())) or 0
    introduced = (
        db.session.scalar(
            select(func.count(distinct(Interest.need_id))).where(
                Interest.accepted_at.is_not(None), Interest.need_id.in_(everyone)
            )
        )
        or 0
    )
    supplier = aliased(Organization)
    regional = (
        db.session.scalar(
            select(func.count(distinct(Interest.need_id)))
            .join(Deal, Deal.interest_id == Interest.id)
            .join(Achievement, Interest.achievement_id == Achievement.id)
            .join(supplier, Achievement.organization_id == supplier.id)
            .where(Interest.need_id.in_(everyone), supplier.region.in_(("beijing", "tianjin")))
        )
        or 0
    )

    def share(n: int, d: int) -> float:
        return round(n / d, 4) if d else 0.0

    return {
        "hebei_needs": total,
        "with_strong_suggestion": strong,
        "strong_suggestion_rate": share(strong, total),
        "hebei_needs_all": total_all,
        "with_introduction_or_deal": introduced,
        "introduction_rate": share(introduced, total_all),
        "with_regional_deal": regional,
        "self_sufficiency_rate": share(regional, total_all),
    }


def unmet_demand() -> list[dict]:
    """Fields × Hebei cities whose published needs have no strong suggestion: where to scout for supply.

    Each cell: its count, and the first few needs (ids and titles) to open from the dashboard.
    """
    unmet = (
        _hebei(NeedCoverage.field, NeedCoverage.city, NeedCoverage.need_id)
        .where(NeedCoverage.status == "published", NeedCoverage.strong == 0)
        .order_by(NeedCoverage.need_id)
    )
    cells: dict[tuple[str, str], list[int]] = defaultdict(list)
    for field, city, need_id in db.session.execute(unmet):
        cells[(field, city)].append(need_id)
    titles = _titles(Need, [i for ids in cells.values() for i in ids[:SAMPLE]])
    return [
        {"field": f, "city": city, "needs": len(ids), "ids": ids[:SAMPLE], "titles": [titles[i] for i in ids[:SAMPLE]]}
        for (f, city), ids in sorted(cells.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


def _titles(model, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        out.update(
            db.session.execute(select(model.id, model.title).where(model.id.in_(ids[start : start + 500]))).all()
        )
    return out


def _single_linkage(rows) -> np.ndarray:
    """A group label per row: the connected groups of the graph whose edges are the rows' similar
    needs (either side listing the other suffices), found by scikit-learn's DBSCAN over that sparse
    graph of distances (1 - similarity) with one sample per core, which is single-linkage clustering
    cut at ``COMMON_NEED_MIN_SIMILARITY``."""
    if not rows:
        return np.empty(0, np.int64)
    index = {r.need_id: i for i, r in enumerate(rows)}
    edges: dict[tuple[int, int], float] = {}
    for r in rows:
        for other, score in r.similar:
            if other in index and other != r.need_id:
                pair = tuple(sorted((index[r.need_id], index[other])))
                edges[pair] = min(edges.get(pair, 1.0), max(1.0 - score, 1e-9))  # 0 would be no edge
    a, b = (np.array(side, np.int64) for side in zip(*edges)) if edges else (np.empty(0, np.int64),) * 2
    distance = np.array(list(edges.values()), np.float64)
    graph = csr_matrix(
        (np.concatenate([distance, distance]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(len(rows), len(rows)),
    )
    eps = 1.0 - COMMON_NEED_MIN_SIMILARITY + 1e-9
    return DBSCAN(eps=eps, min_samples=1, metric="precomputed").fit_predict(graph)


def common_needs() -> list[dict]:
    """Groups of similar needs posted by several firms (共性需求), with the achievements that fit them.

    Needs are joined when either lists the other among its nearest (similarity ≥ 0.4, single linkage:
    ``_single_linkage``); a group counts
    when at least two firms posted in it. Each group lists its first needs and its best five
    Beijing/Tianjin achievements (the best scores among its needs' suggestions).
    """
    rows = db.session.execute(
        _hebei(NeedCoverage.need_id, NeedCoverage.organization_id, NeedCoverage.top, NeedCoverage.similar)
        .where(NeedCoverage.status == "published")
        .order_by(NeedCoverage.need_id)
    ).all()
    groups: dict[int, list] = defaultdict(list)
    for r, label in zip(rows, _single_linkage(rows)):
        groups[int(label)].append(r)
    groups = {k: members for k, members in groups.items() if len({m.organization_id for m in members}) >= 2}
    orgs = {o.id: o for o in db.session.scalars(select(Organization))}
    shown = [m.need_id for members in groups.values() for m in members[:CLUSTER_SAMPLE]]
    titles = _titles(Need, shown)
    best = {}
    for key, members in groups.items():
        scored: dict[int, float] = {}
        for m in members:
            for achievement_id, score, _text, supply in m.top:
                if supply and score > scored.get(achievement_id, -1.0):
                    scored[achievement_id] = score
        best[key] = sorted(scored.items(), key=lambda item: -item[1])[:5]
    achievements = {
        a.id: a
        for a in db.session.scalars(
            select(Achievement).where(Achievement.id.in_({a for pairs in best.values() for a, _s in pairs}))
        )
    }
    clusters = []
    for key, members in groups.items():
        top = [(achievements[a], s) for a, s in best[key] if a in achievements]
        clusters.append(
            {
                "needs": [
                    {
                        "id": m.need_id,
                        "title": titles[m.need_id],
                        "firm": orgs[m.organization_id].name,
                        "city": orgs[m.organization_id].city,
                    }
                    for m in members[:CLUSTER_SAMPLE]
                ],
                "needs_total": len(members),
                "firms": sorted({orgs[m.organization_id].name for m in members}),
                "achievements": [
                    {"id": a.id, "title": a.title, "institution": a.organization.name, "score": round(s, 3)}
                    for a, s in top
                ],
                "institutions": sorted({a.organization.name for a, _s in top}),
            }
        )
    clusters.sort(key=lambda c: (-len(c["firms"]), c["needs"][0]["title"], c["needs"][0]["id"]))
    return clusters
