"""An organization: a university, institute, firm or service agency that posts to the pool."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.domain import DEMAND_KINDS, SUPPLY_KINDS
from matchmaker.extensions import db
from matchmaker.models.base import utcnow

if TYPE_CHECKING:
    from matchmaker.models.user import User


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(20), index=True)
    city: Mapped[str] = mapped_column(String(20))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    profile: Mapped[str] = mapped_column(Text, default="")
    verified: Mapped[bool] = mapped_column(default=False)
    suspended: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]
    verification_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def is_supply(self) -> bool:
        """Universities, institutes and agencies post achievements."""
        return self.kind in SUPPLY_KINDS

    @property
    def is_demand(self) -> bool:
        """Firms post needs."""
        return self.kind in DEMAND_KINDS

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"
