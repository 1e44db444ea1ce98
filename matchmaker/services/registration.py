"""Registration: an account with a new organization, or with a request to join one; created once the
e-mail address is confirmed.

Whether an e-mail already has an account is not revealed, as login and password reset do not
reveal it: every well-formed registration answers "we sent you a link". A new address gets a link
(``Signup``); an address that has an account gets a note with the login and reset links. Both paths
pay one password hash and queue one mail, and neither creates anything in the pool: the account,
its new organization or its request to join are created when the link is opened, so a second
registration cannot tell from a taken name or credit code what the first one was.

The person who registers a new organization is its first member; an admin verifies the
organization before its postings are published, and until then admins (not the first member)
decide who else joins it (``services.memberships``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from flask import current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.logs import security_event
from matchmaker.models import Organization, Signup, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit, mailer, memberships, passwords
from matchmaker.services.accounts import CONSENT_VERSION, normalize_email, typed_email
from matchmaker.services.errors import Conflict, DomainError

CONFIRM_DAYS = 3
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


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def register(data: Registration) -> None:
    """Mail a confirmation link, or (for an address that has an account) a note; nothing else changes.

    Refusals about the organization (its credit code or name taken, an unknown code to join) are
    errors: organizations are public, people are not.
    """
    email = normalize_email(data.email)
    _check_organization(data, email)
    password_hash = passwords.hash_password(data.password)  # paid on both paths
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        _mail_already_registered(existing)
        db.session.commit()
        _refused("email_taken", email)
        return
    token = secrets.token_urlsafe(32)
    payload = {
        "name": data.name,
        "phone": data.phone,
        "password_hash": password_hash,
        "consent_version": CONSENT_VERSION,
        "consent_at": utcnow().isoformat(),
        "organization": asdict(data.organization) if data.organization else None,
        "join_code": data.existing_credit_code if data.organization is None else None,
    }
    db.session.add(
        Signup(
            token_hash=_digest(token), email=email, payload=payload, expires_at=utcnow() + timedelta(days=CONFIRM_DAYS)
        )
    )
    _mail_confirmation(email, data.name, token)
    db.session.commit()
    security_event("register", result="success", email=email)


def _check_organization(data: Registration, email: str) -> None:
    if data.organization is None:
        if not _organization_by_code(data.existing_credit_code or ""):
            _refused("unknown_organization", email)
            raise DomainError(_("No organization is registered with this credit code."))
        return
    org_data = data.organization
    if _organization_by_code(org_data.credit_code):
        _refused("organization_registered", email)
        raise Conflict(_("This organization is already registered: choose “join an existing organization”."))
    if db.session.scalar(select(Organization.id).where(Organization.name == org_data.name)):
        _refused("organization_name_taken", email)
        raise Conflict(_("An organization with this name already exists."))


def _organization_by_code(code: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.credit_code == code))


def _link(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def _mail_confirmation(email: str, name: str, token: str) -> None:
    body = "\n\n".join(
        [
            f"{name}，您好：",
            f"感谢注册{SITE}。请在 {CONFIRM_DAYS} 天内打开以下链接确认您的电子邮箱，确认后账号即开通：",
            _link("auth.confirm_email", token=token),
            "如果您没有注册，请忽略本邮件，不会开通任何账号。",
            f"Hello {name}, open the link above within {CONFIRM_DAYS} days to confirm your e-mail address; your "
            "account is created then. If you did not register, ignore this e-mail: no account is created.",
        ]
    )
    mailer.queue(db.session, email, f"【{SITE}】请确认您的电子邮箱 / Confirm your e-mail", body)


def _mail_already_registered(user: User) -> None:
    body = "\n\n".join(
        [
            f"{user.name}，您好：",
            f"有人（可能是您本人）使用此邮箱在{SITE}注册新账号，但此邮箱已有账号。请直接登录：",
            _link("auth.login"),
            "如忘记密码，可在此设置新密码：",
            _link("auth.forgot_password"),
            "如果不是您本人操作，请忽略本邮件，您的账号不受影响。",
            "Someone, perhaps you, tried to register with this e-mail, which already has an account. Log in, or set a "
            "new password, with the links above. If it was not you, ignore this e-mail.",
        ]
    )
    mailer.queue(db.session, user.email, f"【{SITE}】此邮箱已注册 / This e-mail already has an account", body)


def confirm(token: str) -> User:
    """Create the account the link was mailed for (its organization, or its request to join one).

    The link works once (it is consumed first, in a transaction of its own) and for ``CONFIRM_DAYS``
    days; what was registered meanwhile (the e-mail or the organization) is refused with a message.
    """
    signup = (
        db.session.scalar(select(Signup).where(Signup.token_hash == _digest(token))) if 0 < len(token) <= 200 else None
    )
    if signup is None or signup.expires_at < utcnow():
        raise InvalidLink(
            _(
                "This confirmation link is not valid: it has expired or was already used. "
                "Register again to receive a new one."
            )
        )
    data, email = signup.payload, signup.email
    if db.session.execute(delete(Signup).where(Signup.id == signup.id)).rowcount != 1:
        raise InvalidLink(
            _(
                "This confirmation link is not valid: it has expired or was already used. "
                "Register again to receive a new one."
            )
        )  # opened twice at once: one wins
    db.session.execute(delete(Signup).where(Signup.email == email))  # older links for the address too
    db.session.commit()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidLink(_("This e-mail already has an account: log in, or set a new password."))
    user = User(
        email=email,
        name=data["name"],
        phone=data["phone"],
        password_hash=data["password_hash"],
        consent_version=data["consent_version"],
        consent_at=datetime.fromisoformat(data["consent_at"]),
        email_confirmed_at=utcnow(),
    )
    try:
        if data["organization"] is not None:
            new = NewOrganization(**data["organization"])
            _check_organization(Registration(user.name, email, user.phone, "", new), email)
            user.organization = Organization(**data["organization"])
            db.session.add(user)
            db.session.flush()
            audit.record(user, "organization_register", user.organization, {}, {"user_id": user.id})
        else:
            organization = _organization_by_code(data["join_code"] or "")
            if organization is None:
                raise DomainError(_("No organization is registered with this credit code."))
            db.session.add(user)
            db.session.flush()
            memberships.ask(user, organization)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise InvalidLink(_("%(problem)s Register again.", problem=str(error))) from None
    except IntegrityError:  # the e-mail or the organization was registered a moment ago
        db.session.rollback()
        raise InvalidLink(
            _("An account or organization with these details was registered a moment ago. Log in, or register again.")
        ) from None
    security_event("email_confirm", result="success", user_id=user.id)
    return user
