"""Postings: an achievement (supply) or a need (demand); the columns both share live in a mixin."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import utcnow
from matchmaker.models.organization import Organization
from matchmaker.models.user import User

PUBLIC_STATUS = "published"
# After a deal an achievement may be marked transferred and a need fulfilled: they leave the pool (no
# new interests, not listed) but their pages stay public with a badge, so shared links keep working.
CLOSED_PUBLIC = ("transferred", "fulfilled")
Money = Numeric(12, 2)


class Posting:
    """What an achievement and a need have in common: owner, status, field, keywords, contact."""

    kind: str  # "achievement" | "need"
    # What a poster writes (forms, the API, the importer and the services read this list; the rest is
    # the platform's: status, review note, dates). A subclass adds its own.
    DATA_FIELDS: ClassVar[tuple[str, ...]] = (
        "title",
        "field",
        "keywords",
        "modes",
        "contact_name",
        "contact_phone",
        "contact_email",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(30), index=True)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Codes joined as "|a|b|" so "mode X wanted" is a portable LIKE '%|X|%' on both databases.
    modes_text: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    submitted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    # Set by imports (one id per row of the source file), so importing a file twice changes nothing.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # When the owner was warned that the posting will be archived for age or a passed deadline.
    expiry_notice_at: Mapped[datetime | None]
    # An archived duplicate: the posting of the same organization it was merged into (never renewed).
    merged_into_id: Mapped[int | None]

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        # Browsing reads the newest published postings: the first index gives them in order, no sort,
        # and with their organization and field, so the region and field filters read no row (whose
        # text comes first in the table). Counts per organization or region (home page, region
        # filter) stay on the second one; a field's newest postings and the counts per field on the last.
        name = cls.__tablename__
        return (
            Index(f"ix_{name}_status_published", "status", "published_at", "id", "organization_id", "field"),
            Index(f"ix_{name}_org_status", "organization_id", "status"),
            Index(f"ix_{name}_status_field", "status", "field", "published_at", "id"),
        )

    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organizations.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @declared_attr
    def organization(cls) -> Mapped[Organization]:
        return relationship(Organization, lazy="joined", innerjoin=True)

    @declared_attr
    def created_by(cls) -> Mapped[User | None]:
        return relationship(User)

    @property
    def modes(self) -> list[str]:
        return [m for m in self.modes_text.split("|") if m]

    @modes.setter
    def modes(self, values: list[str]) -> None:
        self.modes_text = "|" + "|".join(values) + "|" if values else ""

    @property
    def is_public(self) -> bool:
        """In the pool: listed, searchable, open to interests."""
        return self.status == PUBLIC_STATUS

    @property
    def is_closed_public(self) -> bool:
        """Transferred or fulfilled after a deal: no longer in the pool, its page still public."""
        return self.status in CLOSED_PUBLIC

    @property
    def region(self) -> str:
        return self.organization.region


class Achievement(Posting, db.Model):
    """A 科技成果 offered for transfer by a university, institute or agency."""

    __tablename__ = "achievements"
    kind = "achievement"
    DATA_FIELDS = Posting.DATA_FIELDS + (
        "summary",
        "description",
        "advantages",
        "applications",
        "trl",
        "ip_type",
        "patent_numbers",
        "price_min",
        "price_max",
    )

    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    advantages: Mapped[str] = mapped_column(Text, default="")
    applications: Mapped[str] = mapped_column(Text, default="")
    trl: Mapped[int | None] = mapped_column(index=True)  # None only in a draft (required to submit)
    ip_type: Mapped[str] = mapped_column(String(20), default="none")
    patent_numbers: Mapped[str] = mapped_column(String(500), default="")
    price_min: Mapped[Decimal | None] = mapped_column(Money)  # 万元; both None = 面议
    price_max: Mapped[Decimal | None] = mapped_column(Money)

    def __repr__(self) -> str:
        return f"<Achievement {self.id} {self.status} {self.title[:20]}>"


class Need(Posting, db.Model):
    """A 技术需求 posted by a firm, with the three-part problem statement of Hebei's form."""

    __tablename__ = "needs"
    kind = "need"
    DATA_FIELDS = Posting.DATA_FIELDS + (
        "problem",
        "key_points",
        "goals",
        "min_trl",
        "budget_min",
        "budget_max",
        "deadline",
    )

    problem: Mapped[str] = mapped_column(Text, default="")  # 主要问题
    key_points: Mapped[str] = mapped_column(Text, default="")  # 技术关键
    goals: Mapped[str] = mapped_column(Text, default="")  # 预期目标
    min_trl: Mapped[int | None]  # None only in a draft (required to submit)
    budget_min: Mapped[Decimal | None] = mapped_column(Money)  # 万元; both None = 面议
    budget_max: Mapped[Decimal | None] = mapped_column(Money)
    deadline: Mapped[date | None]

    @property
    def summary(self) -> str:
        """The problem statement's opening, for lists and cards."""
        return self.problem

    def __repr__(self) -> str:
        return f"<Need {self.id} {self.status} {self.title[:20]}>"


# The two kinds of posting by their name (the name in URLs, matcher ids and the API is derived from it).
POSTING_MODELS: dict[str, type[Posting]] = {"achievement": Achievement, "need": Need}
