"""Forgotten passwords: a signed link by e-mail that sets a new password once, then stops working.

No table holds the links. A token is ``[user id, fingerprint]`` signed with ``SECRET_KEY`` (and a
salt of its own, so no other signed value of the app can pass for one) and timestamped; the
fingerprint is a digest of the user's current password hash (and e-mail). Setting a new password
changes it, so a link works once, and a password change ends every link sent before;
``PASSWORD_RESET_MAX_AGE`` ends it anyway. The payload is readable (signed, not encrypted) but the
digest reveals nothing: its input includes the salted argon2 hash.
Each request, refused link and reset is a ``security_event`` line, with ids and never the token.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.logs import security_event
from matchmaker.models import User
from matchmaker.models.user import new_session_token
from matchmaker.services import mailer, passwords, tokens
from matchmaker.services.accounts import normalize_email, password_problem, typed_email
from matchmaker.services.errors import DomainError

SALT = "matchmaker.password-reset"


class InvalidLink(DomainError):
    """The link is malformed, forged, expired or already used, or its account may not log in."""

    status = 400


def _invalid(reason: str, user_id: int | None = None) -> InvalidLink:
    security_event("password_reset", result="failure", reason=reason, user_id=user_id)
    return InvalidLink(
        _("This link to set a new password is not valid: it has expired or was already used. Ask for a new one.")
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    """A digest of the current password hash (salted and random, so it reveals nothing): setting a new
    password ends every link sent before. Logging out does not (a link asked for, then a logout on
    another device, must still work)."""
    raw = f"{user.password_hash}\x00{user.email}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def max_age_minutes() -> int:
    return max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)


def make_token(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for(token: str) -> User:
    """The user a live link belongs to, or InvalidLink (one answer for every kind of bad link)."""
    if not token or len(token) > 200:
        raise _invalid("malformed")
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise _invalid("expired") from None
    except (BadData, TypeError, ValueError):
        raise _invalid("bad_signature") from None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        raise _invalid("malformed")
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise _invalid("no_account" if user is None else "inactive", user_id)
    if not secrets.compare_digest(_fingerprint(user), fingerprint):
        raise _invalid("used_or_superseded", user_id)  # the password or the sessions changed since
    return user


def _link(token: str) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for("auth.reset_password", token=token)


def request_reset(email: str) -> None:
    """Mail a reset link if ``email`` belongs to an account that may log in; otherwise do nothing.

    The caller answers the same either way. Both paths pay one password hash so that the time
    taken does not tell known e-mails apart; only the mail delivery itself differs.
    """
    passwords.burn_time(email)
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_active:
        security_event(
            "password_reset_request",
            result="failure",
            reason="inactive" if user else "unknown_email",
            email=typed_email(email),
            user_id=user.id if user else None,
        )
        return
    site = _("Jing-Jin-Ji Technology Supply and Demand Pool")
    minutes = max_age_minutes()
    body = "\n\n".join(
        [
            _("Hello %(name)s,", name=user.name),
            _(
                "someone, hopefully you, asked to set a new password for your account on %(site)s. "
                "Open this link within %(minutes)d minutes to choose a new one:",
                site=site,
                minutes=minutes,
            ),
            _link(make_token(user)),
            _("The link works only once. If you did not ask for it, ignore this e-mail: your password stays as it is."),
        ]
    )
    mailer.queue(db.session, user.email, _("[%(site)s] Set a new password", site=site), body)
    db.session.commit()  # the mail goes out after the commit (matchmaker.services.mailer)
    security_event("password_reset_request", result="success", user_id=user.id)


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a live link; every session of the account ends.

    The update is conditional on the password hash the link was made for, so two requests racing
    with one link cannot both succeed.
    """
    user = user_for(token)
    problem = password_problem(new_password or "", user.email, user.name)
    if problem:
        security_event("password_reset", result="failure", reason="weak_password", user_id=user.id)
        raise DomainError(problem)
    new_hash, new_token = passwords.hash_password(new_password), new_session_token()
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash)
        .values(password_hash=new_hash, session_token=new_token)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise _invalid("used_concurrently", user.id)  # the same link was used a moment ago
    tokens.revoke_all(user)  # whoever held the old password may have made API tokens with it
    db.session.commit()
    security_event("password_reset", result="success", user_id=user.id)
    return user
