"""API tokens: issue, resolve, list and revoke the bearer tokens of the JSON API.

Only the SHA-256 of a token is stored, so a copy of the database does not hand out access; the
owner sees the token once, when it is issued. A token works until it expires or is revoked, and
only while its user may log in at all (``User.is_active``: an active account of a non-suspended
organization). A password change or reset and an admin's "end sessions" revoke them all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.models import ApiToken, User
from matchmaker.models.base import utcnow
from matchmaker.services.errors import Conflict, NotFound

DEFAULT_LIFETIME_DAYS = 30
MAX_LIFETIME_DAYS = 365
MAX_ACTIVE = 100  # per user: plenty for every integration, yet bounded (each costs a row)
PREFIX_LENGTH = 8
# Writing ``last_used_at`` on every request would turn each read into a write; a minute is precise enough.
TOUCH_INTERVAL = timedelta(seconds=60)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _active(user_id: int):
    now = utcnow()
    return (ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)


def issue(user: User, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row, and the token itself (shown once, never stored)."""
    days = days or current_app.config.get("API_TOKEN_LIFETIME_DAYS", DEFAULT_LIFETIME_DAYS)
    days = max(1, min(int(days), MAX_LIFETIME_DAYS))
    count = db.session.scalar(select(func.count(ApiToken.id)).where(*_active(user.id))) or 0
    if count >= MAX_ACTIVE:
        raise Conflict(_("You have too many active API tokens. Revoke one you no longer use first."))
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        token_hash=digest(raw),
        prefix=raw[:PREFIX_LENGTH],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.commit()
    return token, raw


def resolve(raw: str) -> ApiToken | None:
    """The live token for ``raw`` (not revoked, not expired, its user active), or None."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    now = utcnow()
    if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
        db.session.commit()
    return token


def for_user(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first (expired and revoked ones too, for the record)."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_all(user: User) -> int:
    """Revoke every live token of ``user`` in the caller's transaction; returns how many."""
    return db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; someone else's token is NotFound (existence not revealed)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("Token not found."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token
