"""An open challenge (揭榜挂帅 榜单), the proposals teams bid with, their scores and the agreement's milestones.

A challenge states a sponsor's problem (a need's three parts), measurable indicators, a budget shared
by its sponsors (one firm, or the firms of a common need, optionally the centre's public money), a
proposal deadline and who may bid. Lists that belong to one challenge and are always read and
written with it (indicators, criteria, milestones of a proposal) are JSON columns; whatever is
decided per row by several people at once (a sponsor's confirmation, a proposal, a score, a
milestone) has a row of its own, so a conditional UPDATE or a unique index decides races.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import utcnow
from matchmaker.models.organization import Organization
from matchmaker.models.user import User

Money = Numeric(12, 2)
_SUBMITTED_SQL = text("status = 'submitted'")


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (Index("ix_challenges_status_deadline", "status", "proposal_deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(30), index=True)
    problem: Mapped[str] = mapped_column(Text, default="")  # 主要问题
    key_points: Mapped[str] = mapped_column(Text, default="")  # 技术关键
    goals: Mapped[str] = mapped_column(Text, default="")  # 预期目标
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"name": "钢渣利用率", "target": "≥ 90", "unit": "%"}, ...]: each one measurable.
    indicators: Mapped[list[dict]] = mapped_column(JSON, default=list)
    # [{"name": "技术方案", "weight": 40}, ...]: weights sum to 100; a criterion is scored 0..weight.
    criteria: Mapped[list[dict]] = mapped_column(JSON, default=list)
    budget_wan: Mapped[Decimal] = mapped_column(Money)  # total; the sponsors' shares plus the centre's
    centre_share_wan: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))  # 政府出资
    proposal_deadline: Mapped[date]
    delivery_months: Mapped[int]
    # Codes joined as "|a|b|", as postings keep their modes.
    eligible_regions_text: Mapped[str] = mapped_column(String(100), default="")
    eligible_kinds_text: Mapped[str] = mapped_column(String(100), default="")
    min_trl: Mapped[int] = mapped_column(default=1)  # the technology's maturity now
    ip_terms: Mapped[str] = mapped_column(Text, default="")
    # draft → review → open → evaluating → awarded | closed_without_award
    status: Mapped[str] = mapped_column(String(30), default="draft", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    close_reason: Mapped[str] = mapped_column(Text, default="")
    source_need_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # the need(s) it was made from
    lead_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)  # first sponsor
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]  # awarded or closed without award

    lead_org: Mapped[Organization | None] = relationship(foreign_keys=[lead_org_id])
    sponsors: Mapped[list[ChallengeSponsor]] = relationship(
        back_populates="challenge", order_by="ChallengeSponsor.id", cascade="all, delete-orphan"
    )
    experts: Mapped[list[ChallengeExpert]] = relationship(
        back_populates="challenge", order_by="ChallengeExpert.id", cascade="all, delete-orphan"
    )
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="challenge",
        order_by="Proposal.id",
        cascade="all, delete-orphan",
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="challenge", order_by="Milestone.seq", cascade="all, delete-orphan"
    )

    kind = "challenge"

    @staticmethod
    def _codes(value: str) -> list[str]:
        return [c for c in value.split("|") if c]

    @staticmethod
    def _joined(values: list[str]) -> str:
        return "|" + "|".join(values) + "|" if values else ""

    @property
    def eligible_regions(self) -> list[str]:
        return self._codes(self.eligible_regions_text)

    @eligible_regions.setter
    def eligible_regions(self, values: list[str]) -> None:
        self.eligible_regions_text = self._joined(values)

    @property
    def eligible_kinds(self) -> list[str]:
        return self._codes(self.eligible_kinds_text)

    @eligible_kinds.setter
    def eligible_kinds(self, values: list[str]) -> None:
        self.eligible_kinds_text = self._joined(values)

    @property
    def sponsor_org_ids(self) -> set[int]:
        return {s.organization_id for s in self.sponsors}

    @property
    def awarded_proposal(self) -> Proposal | None:
        """The winner is the proposal whose status says so (one at most: the award is one transition)."""
        return next((p for p in self.proposals if p.status == "awarded"), None)

    @property
    def is_public(self) -> bool:
        from matchmaker.domain import PUBLIC_CHALLENGE_STATUSES

        return self.status in PUBLIC_CHALLENGE_STATUSES

    def __repr__(self) -> str:
        return f"<Challenge {self.id} {self.status} {self.title[:20]}>"


class ChallengeSponsor(db.Model):
    """A firm sponsoring a challenge with its share of the budget, confirmed by one of its members."""

    __tablename__ = "challenge_sponsors"
    __table_args__ = (UniqueConstraint("challenge_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="SET NULL"))
    share_wan: Mapped[Decimal] = mapped_column(Money)
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship(back_populates="sponsors")
    organization: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)


class ChallengeExpert(db.Model):
    """An expert an admin appointed to score a challenge's proposals."""

    __tablename__ = "challenge_experts"
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="experts")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Proposal(db.Model):
    """A team's bid (揭榜方案): confidential to the sponsors, the experts, the admins and the team."""

    __tablename__ = "proposals"
    __table_args__ = (
        # One standing proposal per lead organization and challenge, however often it clicks.
        Index(
            "uq_proposals_standing",
            "challenge_id",
            "lead_org_id",
            unique=True,
            sqlite_where=_SUBMITTED_SQL,
            postgresql_where=_SUBMITTED_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    partner_org_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # a consortium's other members
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_person: Mapped[str] = mapped_column(String(50))
    team: Mapped[str] = mapped_column(Text, default="")
    approach: Mapped[str] = mapped_column(Text, default="")
    indicator_plans: Mapped[list[str]] = mapped_column(JSON, default=list)  # one per challenge indicator
    # [{"title": "...", "due": "2027-03-31", "payment_wan": "40"}, ...]
    milestones: Mapped[list[dict]] = mapped_column(JSON, default=list)
    price_wan: Mapped[Decimal] = mapped_column(Money)
    trl: Mapped[int]
    achievement_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="proposals")
    lead_org: Mapped[Organization] = relationship(lazy="joined", innerjoin=True)
    scores: Mapped[list[ProposalScore]] = relationship(
        back_populates="proposal", order_by="ProposalScore.id", cascade="all, delete-orphan"
    )

    @property
    def bidder_org_ids(self) -> set[int]:
        return {self.lead_org_id, *self.partner_org_ids}


class ProposalScore(db.Model):
    """One evaluator's points on each criterion of one proposal (kept per evaluator, never merged)."""

    __tablename__ = "proposal_scores"
    __table_args__ = (UniqueConstraint("proposal_id", "evaluator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(20))  # "sponsor" | "expert" | "admin"
    points: Mapped[list[float]] = mapped_column(JSON, default=list)  # one per criterion
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="scores")
    evaluator: Mapped[User | None] = relationship()


class Milestone(db.Model):
    """A milestone of the awarded agreement: due date, payment, delivery and acceptance recorded."""

    __tablename__ = "challenge_milestones"
    __table_args__ = (UniqueConstraint("challenge_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    payment_wan: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned → delivered → accepted
    delivered_at: Mapped[datetime | None]
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    accepted_on: Mapped[date | None]
    acceptance_note: Mapped[str] = mapped_column(Text, default="")
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    challenge: Mapped[Challenge] = relationship(back_populates="milestones")

    def shown_status(self, today: date) -> str:
        """``late`` is what a planned milestone past its due date is: derived, so it needs no job."""
        return "late" if self.status == "planned" and self.due_on < today else self.status
