"""Signed deals as the public sees them: the pool's success cases (成交案例), and a posting's deal count.

What the two sides agreed (amounts, registration numbers) stays with them and the admins; the
public learns which achievement went to which need, between which regions, by which kind of
contract and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need, Posting


@dataclass
class Case:
    achievement: Achievement
    need: Need
    contract_type: str
    signed_on: date


def recent_cases(limit: int = 4) -> list[Case]:
    """The latest deals, newest first."""
    rows = db.session.execute(
        select(Deal.contract_type, Deal.signed_on, Achievement, Need)
        .join(Interest, Deal.interest_id == Interest.id)
        .join(Achievement, Interest.achievement_id == Achievement.id)
        .join(Need, Interest.need_id == Need.id)
        .order_by(Deal.signed_on.desc(), Deal.id.desc())
        .limit(limit)
    )
    return [Case(achievement, need, contract, signed) for contract, signed, achievement, need in rows]


def count_for(posting: Posting) -> int:
    """How many deals were signed on this posting."""
    column = Interest.posting_column(posting.kind)
    return (
        db.session.scalar(
            select(func.count(Deal.id)).join(Interest, Deal.interest_id == Interest.id).where(column == posting.id)
        )
        or 0
    )
