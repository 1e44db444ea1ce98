"""A person who logs in; belongs to one organization."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.extensions import db
from matchmaker.models.base import utcnow
from matchmaker.models.organization import Organization


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """Belongs to one organization once a member of it approved (or registered it); until then to none.

    ``organization_id`` is what every right hangs on (owning postings, being a party to an interest,
    seeing contacts). A person who asked to join an organization has no ``organization_id`` until a
    member or an admin approves the request (``JoinRequest``), so they see nothing of it.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(30), default="")
    role: Mapped[str] = mapped_column(String(10), default="member")
    password_hash: Mapped[str] = mapped_column(String(255))
    # Rotated on logout and password change: a cookie captured earlier no longer loads the user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    # When the address was confirmed by the link mailed at registration (the account is created then;
    # accounts older than the confirmation step: their creation).
    email_confirmed_at: Mapped[datetime | None]
    consent_version: Mapped[str] = mapped_column(String(20), default="")
    consent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Notification events this user does not want by e-mail (in-app notifications always appear).
    email_opt_out: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    organization: Mapped[Organization | None] = relationship(back_populates="users")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active and not (self.organization is not None and self.organization.suspended)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
