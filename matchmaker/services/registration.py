"""Registration: an account with a new organization, or with a request to join one; confirmed by e-mail.

Whether an e-mail already has an account is not revealed, as login and password reset do not
reveal it: every well-formed registration answers "we sent you a link". A new address gets a link
that confirms it (and logs the person in); an address that has an account gets a note saying so,
with the way to log in or reset the password. Both paths pay one password hash and queue one mail.

The person who registers a new organization is its first member; an admin verifies the
organization before its postings are published (``services.memberships``). Joining an existing
organization is a request its members (or an admin) approve.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.logs import security_event
from matchmaker.models import Organization, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit, mailer, memberships, passwords, transitions
from matchmaker.services.accounts import CONSENT_VERSION, normalize_email, typed_email
from matchmaker.services.errors import Conflict, DomainError

SALT = "matchmaker.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600
SITE = "京津冀科技成果供需库"


@dataclass
class NewOrganization:
    name: str
    kind: str
    region: str
    city: str
    credit_code: str
    profile: str = ""


@dataclass
class Registration:
    name: str
    email: str
    phone: str
    password: str
    organization: NewOrganization | None = None  # a new organization …
    existing_credit_code: str | None = None  # … or ask to join one by its credit code


class InvalidLink(DomainError):
    status = 400


def _refused(reason: str, email: str) -> None:
    security_event("register", result="failure", reason=reason, email=typed_email(email))


def register(data: Registration) -> User | None:
    """Create the account (unconfirmed) and mail its link; None when the e-mail already has an account.

    Refusals that concern the organization (its credit code or name taken, an unknown code to join)
    are errors: they reveal nothing about people. The caller answers the same for both outcomes.
    """
    email = normalize_email(data.email)
    organization = _organization_for(data, email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is None and data.organization is not None:
        db.session.add(organization)
    if existing is not None:
        passwords.burn_time(data.password)
        _mail_already_registered(existing)
        db.session.commit()
        _refused("email_taken", email)
        return None
    user = User(
        organization=organization if data.organization is not None else None, email=email, name=data.name,
        phone=data.phone, password_hash=passwords.hash_password(data.password),
        consent_version=CONSENT_VERSION, consent_at=utcnow(),
    )
    db.session.add(user)
    try:
        db.session.flush()
        if data.organization is not None:
            audit.record(user, "organization_register", organization, {}, {"user_id": user.id})
        else:
            memberships.ask(user, organization)
        _mail_confirmation(user)
        db.session.commit()
    except IntegrityError:  # a concurrent registration took the e-mail or the organization
        db.session.rollback()
        _refused("concurrent_duplicate", email)
        raise Conflict(_("An account or organization with these details was registered a moment ago. "
                         "Check your e-mail, or log in."))
    security_event("register", result="success", user_id=user.id, email=email, organization_id=user.organization_id)
    return user


def _organization_for(data: Registration, email: str) -> Organization:
    if data.organization is None:
        organization = db.session.scalar(
            select(Organization).where(Organization.credit_code == (data.existing_credit_code or "")))
        if organization is None:
            _refused("unknown_organization", email)
            raise DomainError(_("No organization is registered with this credit code."))
        return organization
    org_data = data.organization
    if db.session.scalar(select(Organization.id).where(Organization.credit_code == org_data.credit_code)):
        _refused("organization_registered", email)
        raise Conflict(_("This organization is already registered: choose “join an existing organization”."))
    if db.session.scalar(select(Organization.id).where(Organization.name == org_data.name)):
        _refused("organization_name_taken", email)
        raise Conflict(_("An organization with this name already exists."))
    return Organization(**vars(org_data))  # added to the session by ``register`` for a new account only


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.email}\x00{user.session_token}".encode()).hexdigest()[:32]


def _link(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def _mail_confirmation(user: User) -> None:
    token = _serializer().dumps([user.id, _fingerprint(user)])
    body = "\n\n".join([
        f"{user.name}，您好：",
        f"感谢注册{SITE}。请在 3 天内打开以下链接确认您的电子邮箱，确认后即可登录：",
        _link("auth.confirm_email", token=token),
        "如果您没有注册，请忽略本邮件，账号不会被启用。",
        f"Hello {user.name}, open the link above within 3 days to confirm your e-mail address and activate your "
        "account. If you did not register, ignore this e-mail.",
    ])
    mailer.queue(db.session, user.email, f"【{SITE}】请确认您的电子邮箱 / Confirm your e-mail", body)


def _mail_already_registered(user: User) -> None:
    body = "\n\n".join([
        f"{user.name}，您好：",
        f"有人（可能是您本人）使用此邮箱在{SITE}注册新账号，但此邮箱已有账号。请直接登录：",
        _link("auth.login"),
        "如忘记密码，可在此设置新密码：",
        _link("auth.forgot_password"),
        "如果不是您本人操作，请忽略本邮件，您的账号不受影响。",
        "Someone, perhaps you, tried to register with this e-mail, which already has an account. Log in, or set a "
        "new password, with the links above. If it was not you, ignore this e-mail.",
    ])
    mailer.queue(db.session, user.email, f"【{SITE}】此邮箱已注册 / This e-mail already has an account", body)


def resend_confirmation(user: User) -> None:
    """Mail the link again (login of an unconfirmed account with the right password)."""
    _mail_confirmation(user)
    db.session.commit()


def confirm(token: str) -> User:
    """Confirm the e-mail of the account the link was made for; the link works once."""
    invalid = InvalidLink(_("This confirmation link is not valid: it has expired or was already used. "
                            "Log in to receive a new one."))
    if not token or len(token) > 300:
        raise invalid
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=CONFIRM_MAX_AGE)
    except (SignatureExpired, BadData, TypeError, ValueError):
        raise invalid from None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not isinstance(fingerprint, str) or not secrets.compare_digest(_fingerprint(user), fingerprint):
        raise invalid
    if user.email_confirmed_at is not None:
        raise invalid
    transitions.advance(user, {"email_confirmed_at": None}, {"email_confirmed_at": utcnow()}, str(invalid))
    db.session.commit()
    security_event("email_confirm", result="success", user_id=user.id)
    return user
