"""Accounts: login, logout, passwords, the first admin, data download and deletion (registration:
``services.registration``).

Each outcome (success or refusal) is a ``security_event`` line (RELIABILITY LG-1) with ids and
the e-mail as typed, never a password; logout is logged from Flask-Login's signal (``logs``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.logs import security_event
from matchmaker.models import Organization, User
from matchmaker.models.base import utcnow
from matchmaker.models.user import new_session_token
from matchmaker.services import passwords
from matchmaker.services.errors import Conflict, DomainError

CONSENT_VERSION = "2026-12"  # the privacy notice on /about#privacy
ANONYMOUS_EMAIL_DOMAIN = "@deleted.invalid"  # RFC 2606: never a real mailbox
COMMON_PASSWORDS = frozenset(
    """12345678 123456789 1234567890 password password1 password123 qwertyui qwerty123 11111111
    88888888 00000000 66666666 12341234 abcd1234 abc12345 iloveyou 1qaz2wsx qwe123456 a1234567
    woaini1314 aa123456 admin123 administrator passw0rd 123123123 987654321 zxcvbnm1 sunshine
    princess football baseball welcome1 dragon12 monkey12 letmein1 trustno1 starwars""".split()
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def typed_email(email: str) -> str:
    """The login name as typed, for the log; a value without "@" may be a password typed in the wrong box."""
    email = normalize_email(email or "")[:254]
    return email if "@" in email else "(not an e-mail)"


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is refused, or None. Length and a blocklist, no composition rules."""
    if len(password) < 8:
        return _("Use at least 8 characters.")
    if len(password) > 128:
        return _("Use at most 128 characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 3:
        return _("This password is too common. Choose another one.")
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return _("The password must not contain your e-mail name.")
    return None


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (same cost and answer for unknown e-mails)."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        passwords.burn_time(password)
        security_event("login", result="failure", reason="unknown_email", email=typed_email(email), user_id=None)
        return None
    ok, upgraded = passwords.verify_password(user.password_hash, password)
    if not ok or not user.is_active:
        security_event(
            "login",
            result="failure",
            reason="inactive" if ok else "bad_password",
            email=typed_email(email),
            user_id=user.id,
        )
        return None
    if upgraded:
        user.password_hash = upgraded
    user.last_login_at = utcnow()
    db.session.commit()
    security_event("login", result="success", email=user.email, user_id=user.id)
    return user


def end_sessions(user: User) -> None:
    """Log out here (the browser's logout): every cookie issued before now stops working.

    API tokens are the person's own credentials for scripts and stay valid (see ``revoke_access``).
    """
    user.session_token = new_session_token()
    db.session.commit()


def revoke_access(user: User) -> None:
    """End every way in that was issued before now, in the caller's transaction: the session token
    rotates (cookies, remember-me, reset links) and every API token is revoked. Used when the
    password changes or is reset, and when an admin ends the sessions (a stolen laptop)."""
    from matchmaker.services import tokens

    user.session_token = new_session_token()
    tokens.revoke_all(user)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>:<token>"`` must match the current token."""
    raw_id, _sep, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not passwords.same_token(user.session_token, token):
        return None
    return user


def create_admin(email: str, name: str, password: str, organization_name: str) -> User:
    """The first admin of an install, from ``flask users create-admin`` (no default credentials)."""
    problem = password_problem(password, email)
    if problem:
        raise DomainError(problem)
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_("An account with this e-mail already exists."))
    organization = db.session.scalar(select(Organization).where(Organization.name == organization_name))
    if organization is None:
        count = db.session.scalar(select(func.count(Organization.id))) or 0
        from matchmaker.domain import make_credit_code

        organization = Organization(
            name=organization_name,
            kind="agency",
            region="beijing",
            city="海淀区",
            credit_code=make_credit_code(900000 + count, prefix="52"),
            verified=True,
        )
    user = User(
        organization=organization,
        email=email,
        name=name,
        role="admin",
        password_hash=passwords.hash_password(password),
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password (the current one is required); every other session ends."""
    ok, _upgraded = passwords.verify_password(user.password_hash, current or "")
    if not ok:
        security_event("password_change", result="failure", reason="bad_current_password", user_id=user.id)
        raise DomainError(_("The current password is not correct."))
    problem = password_problem(new, user.email, user.name)
    if problem:
        security_event("password_change", result="failure", reason="weak_password", user_id=user.id)
        raise DomainError(problem)
    user.password_hash = passwords.hash_password(new)
    revoke_access(user)
    db.session.commit()
    security_event("password_change", result="success", user_id=user.id)


def export_data(user: User) -> dict:
    """Everything the platform holds about this person (PIPL art. 45), as JSON-safe data."""
    from matchmaker.models import (
        ApiToken,
        InterestEvent,
        JoinRequest,
        Message,
        Notification,
        SavedSearch,
        SuggestionFeedback,
    )
    from matchmaker.services.audit import _plain

    def rows(model, column, fields):
        return [
            {f: _plain(getattr(r, f)) for f in fields}
            for r in db.session.scalars(select(model).where(column == user.id))
        ]

    return {
        "account": {
            f: _plain(getattr(user, f))
            for f in (
                "id",
                "email",
                "name",
                "phone",
                "role",
                "consent_version",
                "consent_at",
                "created_at",
                "last_login_at",
                "email_opt_out",
            )
        },
        "organization": (
            {f: _plain(getattr(user.organization, f)) for f in ("id", "name", "kind", "region", "city")}
            if user.organization is not None
            else None
        ),
        "join_requests": rows(
            JoinRequest,
            JoinRequest.user_id,
            ("organization_id", "message", "status", "created_at", "decided_at", "decision_note"),
        ),
        "messages_sent": rows(Message, Message.sender_id, ("interest_id", "body", "created_at")),
        # What this person did on interests, consents included: accepting shares the contacts,
        # withdrawing stops it (PIPL art. 15).
        "interest_actions": rows(
            InterestEvent, InterestEvent.actor_id, ("interest_id", "from_status", "to_status", "note", "created_at")
        ),
        "notifications": rows(Notification, Notification.user_id, ("event", "params", "link", "created_at", "read_at")),
        "saved_searches": rows(SavedSearch, SavedSearch.user_id, ("kind", "name", "params", "created_at")),
        "suggestion_feedback": rows(
            SuggestionFeedback,
            SuggestionFeedback.user_id,
            ("need_id", "achievement_id", "relevant", "reason", "note", "created_at"),
        ),
        "api_tokens": rows(ApiToken, ApiToken.user_id, ("name", "prefix", "created_at", "expires_at", "revoked_at")),
    }


def usable_admins_besides(user_id: int | None = None, org_id: int | None = None):
    """SQL: how many administrators could still log in and act (active, of a non-suspended organization)
    if the account ``user_id``, or every member of ``org_id``, could not.

    Every change that may take administrators away (demotion, deactivation, suspension, deletion) is
    a conditional UPDATE with ``usable_admins_besides(...) > 0`` in its WHERE, after
    ``transitions.lock_admins()``: two admins locking each other out at the same moment leave one.
    """
    stmt = (
        select(func.count(User.id))
        .join(Organization, User.organization_id == Organization.id)
        .where(User.role == "admin", User.active.is_(True), Organization.suspended.is_(False))
    )
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    if org_id is not None:
        stmt = stmt.where(User.organization_id != org_id)
    return stmt.scalar_subquery()


def is_last_admin(user: User) -> bool:
    """True if ``user`` is an administrator and no other usable one would remain without them."""
    if not (user.is_admin and user.active):
        return False
    return (db.session.scalar(select(usable_admins_besides(user.id))) or 0) == 0


def anonymise(user: User) -> None:
    """Strip the person from the account, in the caller's transaction (the caller commits).

    Their notifications, saved searches and API tokens are deleted; the account row stays under
    an anonymous name so conversations, deals and the audit log (pseudonymous ``user#id``) keep
    their references. Shared by account deletion and the retention job (``services.retention``).
    """
    from matchmaker.models import ApiToken, Notification, SavedSearch

    for model in (Notification, SavedSearch, ApiToken):
        for row in db.session.scalars(select(model).where(model.user_id == user.id)):
            db.session.delete(row)
    user.name = f"已注销用户{user.id}"
    user.email = f"deleted-{user.id}{ANONYMOUS_EMAIL_DOMAIN}"
    user.phone = ""
    user.role = "member"
    user.active = False
    user.password_hash = passwords.hash_password(new_session_token())
    user.session_token = new_session_token()
    user.email_opt_out = []


def delete_account(user: User, password: str) -> None:
    """Remove the person's data: the account is anonymised, their own records deleted.

    Conversations their organization took part in keep the messages (the other side relies on
    them) under an anonymous name; the audit log keeps its pseudonymous ``user#id``.
    """
    ok, _upgraded = passwords.verify_password(user.password_hash, password or "")
    if not ok:
        security_event("account_delete", result="failure", reason="bad_password", user_id=user.id)
        raise DomainError(_("The password is not correct."))
    if user.is_admin:  # one statement decides, even if two admins delete their accounts at once
        from matchmaker.services import transitions

        transitions.lock_admins()
        try:
            transitions.advance(
                user,
                {"role": "admin", "active": True},
                {"active": False},
                _("The last administrator cannot delete the account."),
                where=[usable_admins_besides(user.id) > 0],
            )
        except Conflict:
            security_event("account_delete", result="failure", reason="last_admin", user_id=user.id)
            raise
    anonymise(user)
    db.session.commit()
    security_event("account_delete", result="success", user_id=user.id)
