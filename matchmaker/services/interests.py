"""From suggestion to deal: express interest, accept or decline, negotiate, message, sign.

Status flow of an interest: proposed → declined | withdrawn | negotiating; negotiating ⇄ on_hold;
negotiating | on_hold → deal_signed | closed_no_deal. Every change is an InterestEvent row with
its actor and time; contacts are shared only from acceptance on (recorded as consent, PIPL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, InterestEvent, Message, Need, User
from matchmaker.models.base import utcnow
from matchmaker.models.interest import OPEN_STATUSES
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import interest_path
from matchmaker.services.notify import notify, org_members

MESSAGE_LIMIT = 2000
NEGOTIATION_MOVES = {
    "negotiating": {"on_hold", "deal_signed", "closed_no_deal"},
    "on_hold": {"negotiating", "deal_signed", "closed_no_deal"},
}


def _record(interest: Interest, actor: User | None, to_status: str, note: str = "") -> None:
    interest.events.append(
        InterestEvent(actor_id=actor.id if actor else None, from_status=interest.status, to_status=to_status, note=note)
    )
    interest.status = to_status


def get_visible(user: User, interest_id: int) -> Interest:
    """The interest if ``user`` is one of its two organizations or an admin; else NotFound."""
    interest = db.session.get(Interest, interest_id)
    if interest is None or not permissions.can_view_interest(user, interest):
        raise NotFound(_("Interest not found."))
    return interest


def express(user: User, need_id: int, achievement_id: int, message: str) -> Interest:
    """Ask to connect on a pair of published postings, one of which is the user's organization's."""
    need, achievement = db.session.get(Need, need_id), db.session.get(Achievement, achievement_id)
    if need is None or achievement is None or not (need.is_public and achievement.is_public):
        raise NotFound(_("Only published postings can receive an expression of interest."))
    if permissions.is_admin(user) and user.organization_id not in (need.organization_id, achievement.organization_id):
        raise Forbidden(_("Administrators recommend pairs; they do not express interest themselves."))
    if need.organization_id == achievement.organization_id:
        raise DomainError(_("Both postings belong to your organization."))
    if user.organization_id == need.organization_id:
        recipient = achievement.organization_id
    elif user.organization_id == achievement.organization_id:
        recipient = need.organization_id
    else:
        raise DomainError(_("Choose one of your organization's published postings to pair with this one."))
    if len(message) > MESSAGE_LIMIT:
        raise DomainError(_("The message is too long."))
    interest = Interest(
        need_id=need.id, achievement_id=achievement.id, initiator_org_id=user.organization_id,
        recipient_org_id=recipient, initiator_user_id=user.id, message=message.strip(), status="proposed",
    )
    interest.events.append(InterestEvent(actor_id=user.id, from_status="", to_status="proposed"))
    db.session.add(interest)
    try:
        db.session.flush()  # the partial unique index decides, even under 16 simultaneous clicks
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("There is already an open interest for this pair."))
    other_title = achievement.title if recipient == achievement.organization_id else need.title
    notify(org_members(recipient), "interest_received",
           {"org": user.organization.name, "title": other_title}, interest_path(interest))
    db.session.commit()
    return interest


def require_party(user: User, interest: Interest, recipient_only: bool = False) -> None:
    allowed = (interest.recipient_org_id,) if recipient_only else interest.party_org_ids()
    if user.organization_id not in allowed:
        raise Forbidden(_("Only the organizations of this interest can do this."))


def accept(user: User, interest: Interest) -> Interest:
    require_party(user, interest, recipient_only=True)
    if interest.status != "proposed":
        raise Conflict(_("This interest is no longer waiting for a reply."))
    _record(interest, user, "negotiating", _("Accepted: contact details are shared with both sides."))
    interest.accepted_at = utcnow()
    interest.accepted_by_id = user.id
    notify(org_members(interest.initiator_org_id), "interest_accepted",
           {"org": user.organization.name, "title": _counterpart_title(interest, interest.initiator_org_id)},
           interest_path(interest))
    db.session.commit()
    return interest


def decline(user: User, interest: Interest, reason: str) -> Interest:
    require_party(user, interest, recipient_only=True)
    if interest.status != "proposed":
        raise Conflict(_("This interest is no longer waiting for a reply."))
    if not reason.strip():
        raise DomainError(_("Say briefly why, so the other side can learn from it."))
    _record(interest, user, "declined", reason.strip())
    interest.decline_reason = reason.strip()
    notify(org_members(interest.initiator_org_id), "interest_declined",
           {"org": user.organization.name, "title": _counterpart_title(interest, interest.initiator_org_id)},
           interest_path(interest))
    db.session.commit()
    return interest


def withdraw(user: User, interest: Interest) -> Interest:
    if user.organization_id != interest.initiator_org_id:
        raise Forbidden(_("Only the side that sent the interest can withdraw it."))
    if interest.status != "proposed":
        raise Conflict(_("Only an interest still waiting for a reply can be withdrawn."))
    _record(interest, user, "withdrawn")
    db.session.commit()
    return interest


def move(user: User, interest: Interest, to_status: str, note: str = "") -> Interest:
    """Negotiation status: on hold, back to negotiating, or closed without a deal."""
    require_party(user, interest)
    if to_status == "deal_signed":
        raise DomainError(_("Record the deal to mark it signed."))
    if to_status not in NEGOTIATION_MOVES.get(interest.status, set()):
        raise Conflict(_("This change of status is not possible now."))
    _record(interest, user, to_status, note.strip())
    db.session.commit()
    return interest


def set_contact_consent(user: User, interest: Interest, share: bool) -> Interest:
    """Withdraw (or give again) the consent of ``user``'s side to show its posting's contact.

    PIPL art. 15: consent can be withdrawn at any time; from then on the other side and admins no
    longer see that contact through this interest (what they noted before cannot be recalled).
    """
    require_party(user, interest)
    if not interest.contacts_shared:
        raise Conflict(_("Contact details are shared only once the interest is accepted."))
    side = interest.side_of(user.organization_id)
    if (interest.contact_withdrawn_at(side) is None) == share:
        return interest  # already so: a repeated click changes nothing
    setattr(interest, Interest.withdrawn_column(side), None if share else utcnow())
    note = (_("%(org)s shares its contact details again.", org=user.organization.name) if share
            else _("%(org)s withdrew its consent to share its contact details.", org=user.organization.name))
    _record(interest, user, interest.status, note)
    db.session.commit()
    return interest


def post_message(user: User, interest: Interest, body: str) -> Message:
    require_party(user, interest)
    if not interest.contacts_shared or interest.status in ("declined", "withdrawn"):
        raise Conflict(_("Messages can be exchanged once the interest is accepted."))
    body = body.strip()
    if not body or len(body) > MESSAGE_LIMIT:
        raise DomainError(_("Write a message of 1 to 2,000 characters."))
    message = Message(interest=interest, sender_id=user.id, sender_org_id=user.organization_id, body=body)
    db.session.add(message)
    interest.updated_at = utcnow()  # a message is activity: the desks' lists put this conversation first
    other = interest.recipient_org_id if user.organization_id == interest.initiator_org_id else interest.initiator_org_id
    notify(org_members(other), "new_message",
           {"org": user.organization.name, "title": _counterpart_title(interest, other)}, interest_path(interest))
    db.session.commit()
    return message


@dataclass
class DealData:
    contract_type: str
    amount_wan: Decimal
    signed_on: date
    registration_no: str = ""
    mark_achievement_transferred: bool = False
    mark_need_fulfilled: bool = False


def record_deal(user: User, interest: Interest, data: DealData) -> Deal:
    require_party(user, interest)
    if interest.status not in ("negotiating", "on_hold"):
        raise Conflict(_("A deal can be recorded while the two sides are negotiating."))
    if data.contract_type not in domain.CONTRACT_TYPES:
        raise DomainError(_("Choose a contract type."))
    if data.signed_on > date.today():
        raise DomainError(_("The signing date cannot be in the future."))
    deal = Deal(
        interest=interest, contract_type=data.contract_type, amount_wan=data.amount_wan, signed_on=data.signed_on,
        registration_no=data.registration_no.strip(), recorded_by_id=user.id,
    )
    db.session.add(deal)
    _record(interest, user, "deal_signed")
    if data.mark_achievement_transferred and interest.achievement.status == "published":
        interest.achievement.status = "transferred"
    if data.mark_need_fulfilled and interest.need.status == "published":
        interest.need.status = "fulfilled"
    db.session.commit()
    return deal


def _counterpart_title(interest: Interest, for_org_id: int) -> str:
    """The title the organization ``for_org_id`` knows this interest by: its own posting's."""
    return interest.need.title if interest.need.organization_id == for_org_id else interest.achievement.title


def for_organization(org_id: int) -> list[Interest]:
    return list(
        db.session.scalars(
            select(Interest)
            .where(or_(Interest.initiator_org_id == org_id, Interest.recipient_org_id == org_id))
            .order_by(Interest.updated_at.desc())
        )
    )


def open_pairs_for(org_id: int) -> set[tuple[int, int]]:
    """(need_id, achievement_id) pairs this organization already has an interest on (any status but closed)."""
    rows = db.session.execute(
        select(Interest.need_id, Interest.achievement_id).where(
            or_(Interest.initiator_org_id == org_id, Interest.recipient_org_id == org_id),
            Interest.status.in_(OPEN_STATUSES + ("deal_signed",)),
        )
    )
    return {(n, a) for n, a in rows}


def shares_contacts(org_id: int, posting) -> bool:
    """True when ``org_id`` has an accepted interest involving ``posting`` whose owner has not
    withdrawn its consent there (so ``org_id`` may see the posting's contact)."""
    column = Interest.posting_column(posting.kind)
    withdrawn = getattr(Interest, Interest.withdrawn_column(posting.kind))
    stmt = select(Interest.id).where(
        column == posting.id,
        Interest.accepted_at.is_not(None),
        withdrawn.is_(None),
        or_(Interest.initiator_org_id == org_id, Interest.recipient_org_id == org_id),
    )
    return db.session.scalar(stmt.limit(1)) is not None
