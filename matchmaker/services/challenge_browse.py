"""The public list of challenges (/challenges/): published ones, filtered, open ones first by deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, select

from matchmaker import domain
from matchmaker.models import Challenge, ChallengeSponsor, Organization


@dataclass
class Filters:
    field: str = ""
    region: str = ""
    budget_min: Decimal | None = None
    deadline_before: date | None = None
    status: str = ""


def statement(filters: Filters):
    """The published challenges matching ``filters``: open ones first (nearest deadline), then the rest."""
    stmt = select(Challenge).where(Challenge.status.in_(domain.PUBLIC_CHALLENGE_STATUSES))
    if filters.status in domain.PUBLIC_CHALLENGE_STATUSES:
        stmt = stmt.where(Challenge.status == filters.status)
    if filters.field in domain.FIELDS:
        stmt = stmt.where(Challenge.field == filters.field)
    if filters.region in domain.REGIONS:
        sponsors = (
            select(ChallengeSponsor.challenge_id)
            .join(Organization, Organization.id == ChallengeSponsor.organization_id)
            .where(Organization.region == filters.region)
        )
        stmt = stmt.where(Challenge.id.in_(sponsors))
    if filters.budget_min is not None and filters.budget_min.is_finite():
        stmt = stmt.where(Challenge.budget_wan >= filters.budget_min)
    if filters.deadline_before is not None:
        stmt = stmt.where(Challenge.proposal_deadline <= filters.deadline_before)
    is_open = case((Challenge.status == "open", 0), else_=1)
    return stmt.order_by(is_open, case((Challenge.status == "open", Challenge.proposal_deadline)), Challenge.id.desc())
