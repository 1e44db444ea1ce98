"""A registration waiting for its e-mail to be confirmed: nothing of it exists in the pool until then.

The account, its new organization or its request to join one are created only when the mailed link
is opened. So a registration reveals nothing (no organization or account appears that a second
registration could trip over), and an address nobody confirms leaves nothing behind but this row,
which ``flask pool purge`` deletes after it expires.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.extensions import db
from matchmaker.models.base import utcnow


class Signup(db.Model):
    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the mailed token
    email: Mapped[str] = mapped_column(String(254), index=True)
    # name, phone, password_hash, consent, and the new organization or the credit code to join
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
