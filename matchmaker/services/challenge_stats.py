"""The dashboard's figures on open challenges, each one aggregate query (GROUP BY, SUM, AVG), never a row loop.

Challenges are few (tens to hundreds) beside the postings, so these are counted when the dashboard
is read, not kept in the figure tables.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from matchmaker import domain
from matchmaker.extensions import db
from matchmaker.models import Challenge, Deal, Organization, Proposal

STANDING = ("submitted", "awarded", "not_awarded")


def _days_between(start, end):
    """``end - start`` in days as SQL, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def figures() -> dict:
    by_status = dict(db.session.execute(select(Challenge.status, func.count()).group_by(Challenge.status)).all())
    public = Challenge.status.in_(domain.PUBLIC_CHALLENGE_STATUSES)
    by_field = dict(
        db.session.execute(select(Challenge.field, func.count()).where(public).group_by(Challenge.field)).all()
    )
    posted = db.session.scalar(select(func.coalesce(func.sum(Challenge.budget_wan), 0)).where(public)) or 0
    awarded = (
        db.session.scalar(select(func.coalesce(func.sum(Deal.amount_wan), 0)).where(Deal.challenge_id.is_not(None)))
        or 0
    )
    proposals, with_bids = db.session.execute(
        select(func.count(Proposal.id), func.count(func.distinct(Proposal.challenge_id))).where(
            Proposal.status.in_(STANDING)
        )
    ).one()
    public_count = sum(by_status.get(s, 0) for s in domain.PUBLIC_CHALLENGE_STATUSES)
    sponsor, team = aliased(Organization), aliased(Organization)
    hebei_awards, to_jingjin = db.session.execute(
        select(func.count(Challenge.id), func.count(Challenge.id).filter(team.region.in_(("beijing", "tianjin"))))
        .join(sponsor, sponsor.id == Challenge.lead_org_id)
        .join(Proposal, and_(Proposal.challenge_id == Challenge.id, Proposal.status == "awarded"))
        .join(team, team.id == Proposal.lead_org_id)
        .where(Challenge.status == "awarded", sponsor.region == "hebei")
    ).one()
    days = db.session.scalar(
        select(func.avg(_days_between(Challenge.opened_at, Challenge.decided_at))).where(
            Challenge.status == "awarded", Challenge.opened_at.is_not(None), Challenge.decided_at.is_not(None)
        )
    )
    return {
        "by_status": {s: by_status.get(s, 0) for s in domain.CHALLENGE_STATUSES},
        "by_field": dict(sorted(by_field.items(), key=lambda item: -item[1])),
        "budget_posted_wan": float(posted),
        "budget_awarded_wan": float(awarded),
        "proposals": proposals,
        "proposals_per_challenge": round(proposals / public_count, 2) if public_count else 0.0,
        "challenges_with_bids": with_bids,
        "hebei_awards": hebei_awards,
        "hebei_awards_to_jingjin": to_jingjin,
        "jingjin_share": round(to_jingjin / hebei_awards, 4) if hebei_awards else 0.0,
        "days_to_award": round(float(days), 1) if days is not None else None,
    }
