"""Admins manage organizations and accounts: verify, suspend, deactivate, end sessions, grant or revoke admin."""

from __future__ import annotations

from flask_babel import gettext as _

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Organization, User
from matchmaker.models.base import utcnow
from matchmaker.models.user import new_session_token
from matchmaker.services import audit, passwords, transitions
from matchmaker.services.accounts import revoke_access, usable_admins_besides
from matchmaker.services.errors import Conflict, DomainError, Forbidden


def _require_admin(user: User) -> None:
    if not permissions.is_admin(user):
        raise Forbidden(_("Only administrators can do this."))


def verify_organization(admin: User, org: Organization, note: str) -> Organization:
    _require_admin(admin)
    if not domain.is_valid_credit_code(org.credit_code):
        raise DomainError(_("The organization's credit code is not valid: it cannot be verified."))
    transitions.advance(
        org,
        {"verified": False},
        {"verified": True, "verified_at": utcnow(), "verification_note": note.strip()},
        _("This organization is already verified."),
    )
    audit.record(admin, "verify", org, {"verified": False}, {"verified": True}, note)
    db.session.commit()
    return org


def set_suspended(admin: User, org: Organization, suspended: bool, reason: str) -> Organization:
    """Suspend (or restore) an organization: its members cannot log in and their sessions end."""
    _require_admin(admin)
    if org.id == admin.organization_id and suspended:
        raise Conflict(_("You cannot suspend your own organization."))
    if suspended and not reason.strip():
        raise DomainError(_("Give a reason."))
    if suspended:
        transitions.lock_admins()
        transitions.advance(
            org,
            {"suspended": False},
            {"suspended": True},
            _("This organization is already suspended, or suspending it would leave no administrator who can log in."),
            where=[usable_admins_besides(org_id=org.id) > 0],
        )
        for member in org.users:  # their cookies and API tokens end (restoring brings neither back)
            revoke_access(member)
    else:
        transitions.advance(org, {"suspended": True}, {"suspended": False}, _("This organization is not suspended."))
    audit.record(
        admin,
        "suspend" if suspended else "unsuspend",
        org,
        {"suspended": not suspended},
        {"suspended": suspended},
        reason,
    )
    db.session.commit()
    return org


def set_active(admin: User, user: User, active: bool, reason: str) -> User:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    _require_admin(admin)
    if user.id == admin.id:
        raise Conflict(_("You cannot deactivate your own account."))
    extra = [] if active or not user.is_admin else [usable_admins_besides(user.id) > 0]
    if extra:
        transitions.lock_admins()
    transitions.advance(
        user,
        {"active": not active},
        {"active": active},
        _("The last administrator cannot be deactivated.")
        if extra
        else _("This account was changed a moment ago: reload the page."),
        where=extra,
    )
    if not active:
        revoke_access(user)  # cookies and API tokens end; reactivating brings neither back
    audit.record(
        admin, "activate" if active else "deactivate", user, {"active": not active}, {"active": active}, reason
    )
    db.session.commit()
    return user


def end_sessions(admin: User, user: User, reason: str = "") -> User:
    """Log the user out everywhere (a stolen laptop, a leaked cookie): their next request asks for a login,
    and their API tokens stop working.

    Rotating the session token invalidates every session and remember-me cookie issued before now
    (``accounts.load_user``); the account itself stays usable with its password.
    """
    _require_admin(admin)
    if user.id == admin.id:
        raise Conflict(_("You cannot end your own sessions here: log out instead."))
    revoke_access(user)
    audit.record(admin, "end_sessions", user, {}, {}, reason)
    db.session.commit()
    return user


def set_role(admin: User, user: User, role: str, admin_password: str, reason: str = "") -> User:
    """Grant or revoke admin, after the acting admin re-enters their password (step-up)."""
    _require_admin(admin)
    if role not in domain.ROLES:
        raise DomainError(_("Unknown role."))
    ok, _upgraded = passwords.verify_password(admin.password_hash, admin_password or "")
    if not ok:
        raise Forbidden(_("Your password is needed to change roles, and it was not correct."))
    if user.role == role:
        raise Conflict(_("This account already has this role."))
    if user.organization_id is None:
        raise Conflict(_("This person belongs to no organization yet."))
    before = user.role
    demoting = role != "admin" and user.is_admin
    if demoting:
        transitions.lock_admins()
    extra = [usable_admins_besides(user.id) > 0] if demoting else []
    # new rights take effect with a fresh login
    transitions.advance(
        user,
        {"role": user.role},
        {"role": role, "session_token": new_session_token()},
        _("The last administrator cannot be demoted.")
        if demoting
        else _("This account's role was changed a moment ago: reload the page."),
        where=extra,
    )
    audit.record(admin, "role_change", user, {"role": before}, {"role": role}, reason)
    db.session.commit()
    return user
