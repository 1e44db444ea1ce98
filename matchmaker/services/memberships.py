"""Who belongs to an organization: joining is a request that a member of it (or an admin) approves.

Trust starts with the organization, not with a credit code (public registry data): the person who
registers an organization is its first member, and an admin verifies the organization (checks the
credit code against the national registry and the person against the organization) before any of
its postings is published. Everyone after that asks to join; until a member or an admin approves,
the account belongs to no organization and sees nothing of it. Every step is an audit row; members
are told of a request, the person of the decision.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from matchmaker import permissions
from matchmaker.extensions import db
from matchmaker.models import JoinRequest, Organization, User
from matchmaker.models.base import utcnow
from matchmaker.models.user import new_session_token
from matchmaker.services import audit, tokens, transitions
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.notify import admins, notify, org_members

NOTE_LIMIT = 500


def ask(user: User, organization: Organization, message: str = "") -> JoinRequest:
    """Ask to join ``organization`` (in the caller's transaction: registration commits it with the account)."""
    if user.organization_id is not None:
        raise Conflict(_("You already belong to an organization."))
    if len(message) > NOTE_LIMIT:
        raise DomainError(_("The message is too long."))
    request = JoinRequest(user=user, organization=organization, message=message.strip(), status="pending")
    db.session.add(request)
    try:
        db.session.flush()  # one pending request per person: the partial unique index decides
    except IntegrityError:
        db.session.rollback()
        raise Conflict(
            _("You have already asked to join an organization: wait for the answer or cancel it first.")
        ) from None
    audit.record(user, "join_request", organization, {}, {"user_id": user.id, "request_id": request.id})
    deciders = org_members(organization.id) if organization.verified else admins()
    notify(
        deciders,
        "join_requested",
        {"name": user.name, "email": user.email},
        "/me/organization" if organization.verified else "/admin/organizations",
    )
    return request


def ask_by_code(user: User, credit_code: str, message: str = "") -> JoinRequest:
    """Ask to join the organization registered with ``credit_code``; commits."""
    organization = db.session.scalar(select(Organization).where(Organization.credit_code == credit_code))
    if organization is None:
        raise DomainError(_("No organization is registered with this credit code."))
    request = ask(user, organization, message)
    db.session.commit()
    return request


def latest_of(user: User) -> JoinRequest | None:
    """The person's most recent request (pending, or how the last one ended)."""
    return db.session.scalar(
        select(JoinRequest).where(JoinRequest.user_id == user.id).order_by(JoinRequest.id.desc()).limit(1)
    )


def pending(organization_id: int | None = None) -> list[JoinRequest]:
    """Requests waiting for a decision: one organization's, or all (for admins), oldest first.

    An unverified organization's members see none (admins decide those)."""
    stmt = select(JoinRequest).where(JoinRequest.status == "pending").order_by(JoinRequest.id)
    if organization_id is not None:
        stmt = stmt.where(
            JoinRequest.organization_id == organization_id,
            JoinRequest.organization_id.in_(select(Organization.id).where(Organization.verified.is_(True))),
        )
    return list(db.session.scalars(stmt))


def members(organization_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organization_id == organization_id).order_by(User.id)))


def _can_decide(actor: User, organization: Organization) -> bool:
    """Admins decide any request; members decide their own organization's once an admin verified it
    (whoever registered a public credit code first must not receive the real staff's requests)."""
    if permissions.is_admin(actor):
        return True
    return actor.organization_id is not None and actor.organization_id == organization.id and organization.verified


def _still_member(actor: User, organization_id: int):
    """SQL, evaluated inside the deciding UPDATE: the actor is an admin, or still an active member of
    the organization (a colleague removed a moment ago decides nothing)."""
    if permissions.is_admin(actor):
        return True
    return exists(
        select(User.id).where(User.id == actor.id, User.organization_id == organization_id, User.active.is_(True))
    )


def _get_pending(actor: User, request_id: int) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or not _can_decide(actor, request.organization):
        raise NotFound(_("Request not found."))  # someone else's organization: existence is not revealed
    if request.status != "pending":
        raise Conflict(_("This request was already answered."))
    return request


def decide(actor: User, request_id: int, approve: bool, note: str = "") -> JoinRequest:
    """A member of the organization (or an admin) approves or refuses; exactly one decision wins."""
    request = _get_pending(actor, request_id)
    if len(note) > NOTE_LIMIT:
        raise DomainError(_("The note is too long."))
    status = "approved" if approve else "refused"
    transitions.lock(User, actor.id, request.user_id)
    transitions.advance(
        request,
        {"status": "pending"},
        {"status": status, "decided_by_id": actor.id, "decided_at": utcnow(), "decision_note": note.strip()},
        _("This request was already answered."),
        where=[_still_member(actor, request.organization_id)],
    )
    if approve:
        transitions.advance(
            request.user,
            {"organization_id": None},
            {"organization_id": request.organization_id},
            _("This person already belongs to an organization."),
        )
    audit.record(
        actor,
        "join_approve" if approve else "join_refuse",
        request.organization,
        {"request": "pending"},
        {"request": status, "user_id": request.user_id},
        note.strip(),
    )
    notify(
        [request.user],
        "join_approved" if approve else "join_refused",
        {"org": request.organization.name},
        "/me/organization",
    )
    db.session.commit()
    return request


def cancel(user: User, request_id: int) -> JoinRequest:
    request = db.session.get(JoinRequest, request_id)
    if request is None or request.user_id != user.id:
        raise NotFound(_("Request not found."))
    transitions.advance(
        request,
        {"status": "pending"},
        {"status": "cancelled", "decided_at": utcnow()},
        _("This request was already answered."),
    )
    audit.record(user, "join_cancel", request.organization, {"request": "pending"}, {"request": "cancelled"})
    db.session.commit()
    return request


def remove(actor: User, member: User, reason: str = "") -> User:
    """Take a person out of the organization (a colleague who left, a request approved by mistake).

    Their sessions and API tokens end at once; the account stays, belonging to no organization.
    """
    if member.organization_id is None or not _can_decide(actor, member.organization):
        raise NotFound(_("Member not found."))
    if member.id == actor.id:
        raise Forbidden(_("You cannot remove yourself: ask a colleague or an administrator."))
    if member.is_admin:
        raise Forbidden(_("Administrators' accounts are managed on the users page."))
    organization = member.organization
    transitions.lock(User, actor.id, member.id)  # two members removing each other: one after the other
    transitions.advance(
        member,
        {"organization_id": member.organization_id},
        {"organization_id": None, "session_token": new_session_token()},
        _("This person is no longer a member, or you no longer are."),
        where=[_still_member(actor, organization.id)],
    )
    tokens.revoke_all(member)
    audit.record(actor, "member_remove", organization, {"user_id": member.id}, {}, reason.strip())
    db.session.commit()
    return member
