"""Admins manage organizations and accounts: verify, suspend, deactivate, end sessions, grant or revoke admin."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Organization, User
from matchmaker.models.base import utcnow
from matchmaker.models.user import new_session_token
from matchmaker.services import audit, passwords
from matchmaker.services.errors import Conflict, DomainError, Forbidden


def _require_admin(user: User) -> None:
    if not permissions.is_admin(user):
        raise Forbidden(_("Only administrators can do this."))


def verify_organization(admin: User, org: Organization, note: str) -> Organization:
    _require_admin(admin)
    if not domain.is_valid_credit_code(org.credit_code):
        raise DomainError(_("The organization's credit code is not valid: it cannot be verified."))
    before = {"verified": org.verified}
    org.verified, org.verified_at, org.verification_note = True, utcnow(), note.strip()
    audit.record(admin, "verify", org, before, {"verified": True}, note)
    db.session.commit()
    return org


def set_suspended(admin: User, org: Organization, suspended: bool, reason: str) -> Organization:
    """Suspend (or restore) an organization: its members cannot log in and their sessions end."""
    _require_admin(admin)
    if org.id == admin.organization_id and suspended:
        raise Conflict(_("You cannot suspend your own organization."))
    if suspended and not reason.strip():
        raise DomainError(_("Give a reason."))
    before = {"suspended": org.suspended}
    org.suspended = suspended
    if suspended:
        for member in org.users:
            member.session_token = new_session_token()
    audit.record(admin, "suspend" if suspended else "unsuspend", org, before, {"suspended": suspended}, reason)
    db.session.commit()
    return org


def set_active(admin: User, user: User, active: bool, reason: str) -> User:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    _require_admin(admin)
    if user.id == admin.id:
        raise Conflict(_("You cannot deactivate your own account."))
    if not active and user.is_admin and _admin_count() <= 1:
        raise Conflict(_("The last administrator cannot be deactivated."))
    before = {"active": user.active}
    user.active = active
    user.session_token = new_session_token()
    audit.record(admin, "activate" if active else "deactivate", user, before, {"active": active}, reason)
    db.session.commit()
    return user


def end_sessions(admin: User, user: User, reason: str = "") -> User:
    """Log the user out everywhere (a stolen laptop, a leaked cookie): their next request asks for a login.

    Rotating the session token invalidates every session and remember-me cookie issued before now
    (``accounts.load_user``); the account itself stays usable with its password.
    """
    _require_admin(admin)
    if user.id == admin.id:
        raise Conflict(_("You cannot end your own sessions here: log out instead."))
    user.session_token = new_session_token()
    audit.record(admin, "end_sessions", user, {}, {}, reason)
    db.session.commit()
    return user


def _admin_count() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0


def set_role(admin: User, user: User, role: str, admin_password: str, reason: str = "") -> User:
    """Grant or revoke admin, after the acting admin re-enters their password (step-up)."""
    _require_admin(admin)
    if role not in domain.ROLES:
        raise DomainError(_("Unknown role."))
    ok, _upgraded = passwords.verify_password(admin.password_hash, admin_password or "")
    if not ok:
        raise Forbidden(_("Your password is needed to change roles, and it was not correct."))
    if user.role == role:
        return user
    if role != "admin" and user.is_admin and _admin_count() <= 1:
        raise Conflict(_("The last administrator cannot be demoted."))
    before = {"role": user.role}
    user.role = role
    user.session_token = new_session_token()  # new rights take effect with a fresh login
    audit.record(admin, "role_change", user, before, {"role": role}, reason)
    db.session.commit()
    return user
