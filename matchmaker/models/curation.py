"""What admins record while curating: the audit log, curated pairs, duplicate verdicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db
from matchmaker.models.base import utcnow


class AuditLog(db.Model):
    """One admin action: who, when, on what, before → after, why. Rows are never changed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(100))  # kept when the account is deleted (pseudonymous)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int | None]
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def append_only(mapper, connection, target) -> None:
    """An ORM update or delete of an audit row fails (``services.audit.listen`` attaches this)."""
    raise RuntimeError("The audit log is append-only.")


class CuratedPair(db.Model):
    """An admin's decision on a suggested pair: recommend it to both sides, or never suggest it."""

    __tablename__ = "curated_pairs"
    __table_args__ = (UniqueConstraint("need_id", "achievement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    achievement_id: Mapped[int] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(20))  # "recommended" | "dismissed"
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuplicateVerdict(db.Model):
    """An admin's verdict on a flagged near-duplicate pair of the same kind."""

    __tablename__ = "duplicate_verdicts"
    __table_args__ = (UniqueConstraint("kind", "posting_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    posting_id: Mapped[int]
    other_id: Mapped[int]
    verdict: Mapped[str] = mapped_column(String(20))  # "not_duplicate" | "merged"
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
