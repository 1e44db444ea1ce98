"""An interest (对接意向): one side asks to connect on a (need, achievement) pair.

Accepted, it becomes a conversation between the two organizations with a negotiation status,
its messages, its history of status changes and, at best, a signed deal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import utcnow
from matchmaker.models.organization import Organization
from matchmaker.models.posting import Achievement, Need
from matchmaker.models.user import User

if TYPE_CHECKING:
    from matchmaker.models.challenge import Challenge

OPEN_STATUSES = ("proposed", "negotiating", "on_hold")
_OPEN_SQL = text("status IN ('proposed', 'negotiating', 'on_hold')")


class Interest(db.Model):
    __tablename__ = "interests"
    __table_args__ = (
        # One open interest per pair, whoever clicks and however often: the database decides.
        Index(
            "uq_interests_open_pair",
            "need_id",
            "achievement_id",
            unique=True,
            sqlite_where=_OPEN_SQL,
            postgresql_where=_OPEN_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    initiator_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    recipient_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    initiator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    # proposed → declined | negotiating → on_hold → deal_signed | closed_no_deal (or withdrawn)
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # PIPL: contacts are shared only once the recipient accepts; when and by whom is kept.
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # PIPL art. 15: either side may withdraw its consent later; from then on its posting's contact
    # is no longer shown through this interest (and may share it again).
    need_contact_withdrawn_at: Mapped[datetime | None]
    achievement_contact_withdrawn_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    need: Mapped[Need] = relationship()
    achievement: Mapped[Achievement] = relationship()
    initiator_org: Mapped[Organization] = relationship(foreign_keys=[initiator_org_id])
    recipient_org: Mapped[Organization] = relationship(foreign_keys=[recipient_org_id])
    initiator_user: Mapped[User | None] = relationship(foreign_keys=[initiator_user_id])
    events: Mapped[list[InterestEvent]] = relationship(
        back_populates="interest", order_by="InterestEvent.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="interest", order_by="Message.id", cascade="all, delete-orphan"
    )
    deal: Mapped[Deal | None] = relationship(back_populates="interest", cascade="all, delete-orphan")

    @property
    def contacts_shared(self) -> bool:
        return self.accepted_at is not None

    def party_org_ids(self) -> tuple[int, int]:
        return self.initiator_org_id, self.recipient_org_id

    def side_of(self, org_id: int | None) -> str | None:
        """ "need" or "achievement": which posting of the pair ``org_id`` owns (None: neither)."""
        if org_id is not None and org_id == self.need.organization_id:
            return "need"
        if org_id is not None and org_id == self.achievement.organization_id:
            return "achievement"
        return None

    @classmethod
    def posting_column(cls, kind: str):
        """``Interest.need_id`` or ``Interest.achievement_id``: where an interest names a posting of ``kind``."""
        return {"need": cls.need_id, "achievement": cls.achievement_id}[kind]

    @staticmethod
    def withdrawn_column(side: str) -> str:
        """The column recording when the ``side`` ("need" or "achievement") withdrew its consent."""
        return {"need": "need_contact_withdrawn_at", "achievement": "achievement_contact_withdrawn_at"}[side]

    def contact_withdrawn_at(self, side: str) -> datetime | None:
        return getattr(self, self.withdrawn_column(side))

    def shows_contact(self, side: str) -> bool:
        """Whether the contact of the ``side`` posting is shared through this interest now."""
        return self.contacts_shared and self.contact_withdrawn_at(side) is None


class InterestEvent(db.Model):
    """One status change of an interest: who, when, from what to what, and why."""

    __tablename__ = "interest_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(ForeignKey("interests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interest: Mapped[Interest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Message(db.Model):
    """A message in an accepted interest's conversation."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int] = mapped_column(ForeignKey("interests.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sender_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interest: Mapped[Interest] = relationship(back_populates="messages")
    sender: Mapped[User | None] = relationship()
    sender_org: Mapped[Organization] = relationship()


class Deal(db.Model):
    """The signed outcome of an interest (成交), or of an awarded challenge (揭榜挂帅), as registered in a
    technology contract: exactly one of ``interest_id`` and ``challenge_id`` is set."""

    __tablename__ = "deals"
    __table_args__ = (
        UniqueConstraint("interest_id"),
        UniqueConstraint("challenge_id"),
        CheckConstraint("(interest_id IS NULL) <> (challenge_id IS NULL)", name="one_origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interest_id: Mapped[int | None] = mapped_column(ForeignKey("interests.id", ondelete="CASCADE"))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    contract_type: Mapped[str] = mapped_column(String(20))
    amount_wan: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    signed_on: Mapped[date]
    registration_no: Mapped[str] = mapped_column(String(40), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interest: Mapped[Interest | None] = relationship(back_populates="deal")
    challenge: Mapped[Challenge | None] = relationship("Challenge")
