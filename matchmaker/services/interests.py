"""From suggestion to deal: express interest, accept or decline, negotiate, message, sign.

Status flow of an interest: proposed → declined | withdrawn | negotiating; negotiating ⇄ on_hold;
negotiating | on_hold → deal_signed | closed_no_deal. Every change is an InterestEvent row with
its actor and time; contacts are shared only from acceptance on (recorded as consent, PIPL).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError

from matchmaker import clock, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, InterestEvent, Message, Need, User
from matchmaker.models.base import utcnow
from matchmaker.models.interest import OPEN_STATUSES
from matchmaker.schemas import load
from matchmaker.schemas.interests import DealInput, DeclineInput, InterestInput
from matchmaker.services import transitions
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound, TooMany
from matchmaker.services.links import interest_path
from matchmaker.services.notify import notify, org_members

MESSAGE_LIMIT = 2000
NEGOTIATION_MOVES = {
    "negotiating": {"on_hold", "deal_signed", "closed_no_deal"},
    "on_hold": {"negotiating", "deal_signed", "closed_no_deal"},
}


def _change(interest: Interest, actor: User | None, to_status: str, refusal: str, note: str = "", **values) -> None:
    """Move ``interest`` from the status just read to ``to_status`` (one winner under concurrency), then
    record the event; the loser gets Conflict(``refusal``) and nothing of the change is written."""
    from_status = interest.status
    transitions.advance(
        interest, {"status": from_status}, {"status": to_status, "updated_at": utcnow(), **values}, refusal
    )
    _event(interest, actor, from_status, to_status, note)


def _event(interest: Interest, actor: User | None, from_status: str, to_status: str, note: str = "") -> None:
    db.session.add(
        InterestEvent(
            interest_id=interest.id,
            actor_id=actor.id if actor else None,
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
    )


def get_visible(user: User, interest_id: int) -> Interest:
    """The interest if ``user`` is one of its two organizations or an admin; else NotFound."""
    interest = db.session.get(Interest, interest_id)
    if interest is None or not permissions.can_view_interest(user, interest):
        raise NotFound(_("Interest not found."))
    return interest


def express(user: User, need_id: int, achievement_id: int, message: str) -> Interest:
    """Ask to connect on a pair of published postings, one of which is the user's organization's."""
    checked = load(InterestInput(), {"need_id": need_id, "achievement_id": achievement_id, "message": message})
    message = checked.get("message", "")
    need, achievement = db.session.get(Need, need_id), db.session.get(Achievement, achievement_id)
    if need is None or achievement is None or not (need.is_public and achievement.is_public):
        raise NotFound(_("Only published postings can receive an expression of interest."))
    if permissions.is_admin(user) and user.organization_id not in (need.organization_id, achievement.organization_id):
        raise Forbidden(_("Administrators recommend pairs; they do not express interest themselves."))
    if need.organization_id == achievement.organization_id:
        raise DomainError(_("Both postings belong to your organization."))
    if user.organization_id is not None and user.organization_id == need.organization_id:
        recipient = achievement.organization_id
    elif user.organization_id is not None and user.organization_id == achievement.organization_id:
        recipient = need.organization_id
    else:
        raise DomainError(_("Choose one of your organization's published postings to pair with this one."))
    _check_budget(user, need.id, achievement.id)
    interest = Interest(
        need_id=need.id,
        achievement_id=achievement.id,
        initiator_org_id=user.organization_id,
        recipient_org_id=recipient,
        initiator_user_id=user.id,
        message=message.strip(),
        status="proposed",
    )
    interest.events.append(InterestEvent(actor_id=user.id, from_status="", to_status="proposed"))
    db.session.add(interest)
    try:
        db.session.flush()  # the partial unique index decides, even under 16 simultaneous clicks
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("There is already an open interest for this pair.")) from None
    other_title = achievement.title if recipient == achievement.organization_id else need.title
    notify(
        org_members(recipient),
        "interest_received",
        {"org": user.organization.name, "title": other_title},
        interest_path(interest),
    )
    db.session.commit()
    return interest


def _check_budget(user: User, need_id: int, achievement_id: int) -> None:
    """Each interest notifies and mails a whole desk: a person sends at most ``INTEREST_DAILY_LIMIT``
    a day, and a pair whose interest was withdrawn or declined rests ``INTEREST_PAIR_COOLDOWN_DAYS``."""
    config = current_app.config
    now = utcnow()
    transitions.lock(User, user.id)  # one person's clicks counted one after the other (no race past the budget)
    sent, oldest = db.session.execute(
        select(func.count(Interest.id), func.min(Interest.created_at)).where(
            Interest.initiator_user_id == user.id, Interest.created_at > now - timedelta(days=1)
        )
    ).one()
    if sent >= config["INTEREST_DAILY_LIMIT"]:
        db.session.rollback()  # let go of the lock taken above
        raise TooMany(
            _(
                "You have sent %(num)d expressions of interest in the last 24 hours, the most a person "
                "can send a day. Please try again tomorrow.",
                num=sent,
            ),
            # when the oldest of the day leaves the window (a limit of 0: a day)
            retry_after=((oldest or now) + timedelta(days=1) - now).total_seconds(),
        )
    days = config["INTEREST_PAIR_COOLDOWN_DAYS"]
    ended = db.session.scalar(
        select(func.max(Interest.updated_at)).where(
            Interest.need_id == need_id,
            Interest.achievement_id == achievement_id,
            Interest.status.in_(("withdrawn", "declined")),
        )
    )
    if ended is not None and ended > now - timedelta(days=days):
        db.session.rollback()
        raise TooMany(
            _(
                "An interest in this pair was withdrawn or declined recently. A new one can be sent from %(date)s.",
                date=clock.day_of(ended + timedelta(days=days)).isoformat(),
            ),
            retry_after=(ended + timedelta(days=days) - now).total_seconds(),
        )


def require_party(user: User, interest: Interest, recipient_only: bool = False) -> None:
    allowed = (interest.recipient_org_id,) if recipient_only else interest.party_org_ids()
    if user.organization_id is None or user.organization_id not in allowed:
        raise Forbidden(_("Only the organizations of this interest can do this."))


WAITING = _l("This interest is no longer waiting for a reply.")


def accept(user: User, interest: Interest) -> Interest:
    require_party(user, interest, recipient_only=True)
    if interest.status != "proposed":
        raise Conflict(str(WAITING))
    _change(
        interest,
        user,
        "negotiating",
        str(WAITING),
        _("Accepted: contact details are shared with both sides."),
        accepted_at=utcnow(),
        accepted_by_id=user.id,
    )
    notify(
        org_members(interest.initiator_org_id),
        "interest_accepted",
        {"org": user.organization.name, "title": _counterpart_title(interest, interest.initiator_org_id)},
        interest_path(interest),
    )
    db.session.commit()
    return interest


def decline(user: User, interest: Interest, reason: str) -> Interest:
    require_party(user, interest, recipient_only=True)
    if interest.status != "proposed":
        raise Conflict(str(WAITING))
    reason = load(DeclineInput(), {"reason": reason})["reason"]
    _change(interest, user, "declined", str(WAITING), reason.strip(), decline_reason=reason.strip())
    notify(
        org_members(interest.initiator_org_id),
        "interest_declined",
        {"org": user.organization.name, "title": _counterpart_title(interest, interest.initiator_org_id)},
        interest_path(interest),
    )
    db.session.commit()
    return interest


def withdraw(user: User, interest: Interest) -> Interest:
    if user.organization_id is None or user.organization_id != interest.initiator_org_id:
        raise Forbidden(_("Only the side that sent the interest can withdraw it."))
    refusal = _("Only an interest still waiting for a reply can be withdrawn.")
    if interest.status != "proposed":
        raise Conflict(refusal)
    _change(interest, user, "withdrawn", refusal)
    db.session.commit()
    return interest


def move(user: User, interest: Interest, to_status: str, note: str = "") -> Interest:
    """Negotiation status: on hold, back to negotiating, or closed without a deal."""
    require_party(user, interest)
    if to_status == "deal_signed":
        raise DomainError(_("Record the deal to mark it signed."))
    refusal = _("This change of status is not possible now.")
    if to_status not in NEGOTIATION_MOVES.get(interest.status, set()):
        raise Conflict(refusal)
    _change(interest, user, to_status, refusal, note.strip())
    db.session.commit()
    return interest


def set_contact_consent(user: User, interest: Interest, share: bool) -> Interest:
    """Withdraw (or give again) the consent of ``user``'s side to show its posting's contact.

    PIPL art. 15: consent can be withdrawn at any time; from then on the other side no longer sees
    that contact through this interest (what it noted before cannot be recalled). Asking for what
    already holds (withdrawing twice) is a Conflict, so of two racing clicks one wins.
    """
    require_party(user, interest)
    if not interest.contacts_shared:
        raise Conflict(_("Contact details are shared only once the interest is accepted."))
    side = interest.side_of(user.organization_id)
    if side is None:
        raise Forbidden(_("Only the organizations of this interest can do this."))
    column = Interest.withdrawn_column(side)
    withdrawn_at = interest.contact_withdrawn_at(side)
    if (withdrawn_at is None) == share:
        raise Conflict(
            _("Your contact details are already shared through this interest.")
            if share
            else _("Your contact details are already hidden from the other side.")
        )
    transitions.advance(
        interest,
        {column: withdrawn_at},
        {column: None if share else utcnow(), "updated_at": utcnow()},
        _("The consent was changed a moment ago: reload the page."),
    )
    note = (
        _("%(org)s shares its contact details again.", org=user.organization.name)
        if share
        else _("%(org)s withdrew its consent to share its contact details.", org=user.organization.name)
    )
    _event(interest, user, interest.status, interest.status, note)
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
    other = (
        interest.recipient_org_id if user.organization_id == interest.initiator_org_id else interest.initiator_org_id
    )
    notify(
        org_members(other),
        "new_message",
        {"org": user.organization.name, "title": _counterpart_title(interest, other)},
        interest_path(interest),
    )
    db.session.commit()
    return message


@dataclass
class DealData:
    """A deal as ``DealInput`` reads it (``record_deal`` checks it with that schema)."""

    contract_type: str
    amount_wan: Decimal
    signed_on: date
    registration_no: str = ""
    mark_achievement_transferred: bool = False
    mark_need_fulfilled: bool = False


def record_deal(user: User, interest: Interest, data: DealData) -> Deal:
    require_party(user, interest)
    refusal = _("A deal can be recorded while the two sides are negotiating.")
    if interest.status not in ("negotiating", "on_hold"):
        raise Conflict(refusal)
    data = DealData(**load(DealInput(), asdict(data)))
    side = interest.side_of(user.organization_id)
    if (data.mark_achievement_transferred and side != "achievement") or (data.mark_need_fulfilled and side != "need"):
        raise DomainError(_("Each side can mark only its own posting as transferred or fulfilled."))
    _change(interest, user, "deal_signed", refusal)
    deal = Deal(
        interest_id=interest.id,
        contract_type=data.contract_type,
        amount_wan=data.amount_wan,
        signed_on=data.signed_on,
        registration_no=data.registration_no,
        recorded_by_id=user.id,
    )
    db.session.add(deal)
    try:
        db.session.flush()  # one deal per interest is also a constraint
    except IntegrityError:
        db.session.rollback()
        raise Conflict(refusal) from None
    for wanted, model, posting_id, closed in (
        (data.mark_achievement_transferred, Achievement, interest.achievement_id, "transferred"),
        (data.mark_need_fulfilled, Need, interest.need_id, "fulfilled"),
    ):
        if wanted:  # only a posting still published closes (an archived one stays archived)
            db.session.execute(
                sa_update(model)
                .where(model.id == posting_id, model.status == "published")
                .values(status=closed, updated_at=utcnow())
            )
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
