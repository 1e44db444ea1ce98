"""A challenge's life until teams bid: draft, sponsors' shares, review, publication; and its end without award.

draft → review → open → evaluating → awarded | closed_without_award. Every change of status is a
conditional UPDATE (``transitions.advance``): of several racing requests one wins, the rest get 409
and change nothing. Each step is an audit row in the same transaction; a published challenge tells
the institutions whose achievements fit it (``challenge_match``), once.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Challenge, ChallengeSponsor, Need, Proposal, User
from matchmaker.models.base import utcnow
from matchmaker.schemas import load
from matchmaker.schemas.challenges import ChallengeInput, ReasonInput
from matchmaker.services import audit, transitions
from matchmaker.services.challenge_rules import get_managed, require_admin, today
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import path_for
from matchmaker.services.notify import admins, notify, org_members

DATA_FIELDS = (
    "title",
    "field",
    "problem",
    "key_points",
    "goals",
    "keywords",
    "indicators",
    "criteria",
    "budget_wan",
    "centre_share_wan",
    "proposal_deadline",
    "delivery_months",
    "eligible_regions",
    "eligible_kinds",
    "min_trl",
    "ip_terms",
)
AUDITED = ("status", "title", "budget_wan", "proposal_deadline")
DEFAULTS = {"keywords": [], "centre_share_wan": Decimal("0")}
_INPUT = ChallengeInput()


def check(data: dict) -> dict:
    """``data`` loaded through ``ChallengeInput`` (InvalidInput naming each field), with its defaults,
    and ``shares`` as {organization id: 万元}."""
    loaded = load(_INPUT, data)
    for name, value in DEFAULTS.items():
        if loaded.get(name) is None:
            loaded[name] = value
    loaded["shares"] = {row["organization_id"]: row["share_wan"] for row in loaded.get("shares") or []}
    return loaded


def current(challenge: Challenge) -> dict:
    """A challenge's values as its input (what a PATCH starts from)."""
    data = {name: getattr(challenge, name) for name in DATA_FIELDS}
    data["shares"] = [{"organization_id": s.organization_id, "share_wan": s.share_wan} for s in challenge.sponsors]
    return data


def challenge_path(challenge: Challenge) -> str:
    return path_for("challenges.detail", challenge_id=challenge.id)


def _apply(challenge: Challenge, data: dict) -> None:
    for name in DATA_FIELDS:
        setattr(challenge, name, data[name])
    # Stored in the vocabulary's order, whatever order they came in.
    challenge.eligible_regions = [r for r in domain.REGIONS if r in data["eligible_regions"]]
    challenge.eligible_kinds = [k for k in domain.ORG_KINDS if k in data["eligible_kinds"]]


def ensure_can_create(user: User) -> None:
    """Only a firm's members post challenges of their own (the centre builds them from common needs)."""
    if not permissions.can_post(user, "need") or user.organization is None or not user.organization.is_demand:
        raise Forbidden(_("Only member firms post challenges; the centre turns common needs into challenges."))


def create(user: User, data: dict) -> Challenge:
    """A firm's own challenge: the firm is its only sponsor, its share the budget less the centre's."""
    ensure_can_create(user)
    data = check(data)
    challenge = Challenge(created_by_id=user.id, lead_org_id=user.organization_id, status="draft")
    _apply(challenge, data)
    challenge.sponsors.append(
        ChallengeSponsor(
            organization_id=user.organization_id,
            share_wan=data["budget_wan"] - data["centre_share_wan"],
            confirmed_at=utcnow(),
            confirmed_by_id=user.id,
        )
    )
    db.session.add(challenge)
    db.session.flush()
    audit.record(user, "challenge_create", challenge, {}, audit.snapshot(challenge, AUDITED))
    db.session.commit()
    return challenge


def create_from_needs(admin: User, need_ids: list[int], data: dict) -> Challenge:
    """The centre turns a common need (published needs of one or several firms) into a challenge.

    Each firm becomes a sponsor with the share ``data["shares"]`` gives it, which one of its members
    confirms before the challenge goes to review."""
    require_admin(admin)
    ids = list(dict.fromkeys(int(i) for i in need_ids))[:50]
    needs = list(db.session.scalars(select(Need).where(Need.id.in_(ids), Need.status == "published")))
    if not ids or len(needs) != len(ids):
        raise NotFound(_("Choose published needs to turn into a challenge."))
    needs.sort(key=lambda n: ids.index(n.id))
    if any(not n.organization.is_demand for n in needs):
        raise DomainError(_("Only firms' needs can be sponsored."))
    data = check(data)
    firms = list(dict.fromkeys(n.organization_id for n in needs))
    _check_shares(data, firms)
    challenge = Challenge(created_by_id=admin.id, lead_org_id=firms[0], status="draft", source_need_ids=ids)
    _apply(challenge, data)
    for org_id in firms:
        need = next(n for n in needs if n.organization_id == org_id)
        challenge.sponsors.append(
            ChallengeSponsor(organization_id=org_id, need_id=need.id, share_wan=data["shares"][org_id])
        )
    db.session.add(challenge)
    db.session.flush()
    audit.record(admin, "challenge_create", challenge, {}, {**audit.snapshot(challenge, AUDITED), "needs": ids})
    for org_id in firms:
        notify(
            org_members(org_id),
            "challenge_share",
            {"title": challenge.title, "share": str(data["shares"][org_id])},
            challenge_path(challenge),
        )
    db.session.commit()
    return challenge


def _check_shares(data: dict, org_ids: list[int]) -> None:
    if set(data["shares"]) != set(org_ids):
        raise DomainError(_("Give each sponsoring firm its share of the budget."))
    if sum(data["shares"].values(), Decimal("0")) + data["centre_share_wan"] != data["budget_wan"]:
        raise DomainError(_("The sponsors' shares and the centre's share must add up to the budget."))


def update(user: User, challenge_id: int, data: dict, partial: bool = False) -> Challenge:
    """Edit a draft (sponsors' members and admins). A share that changes must be confirmed again;
    only an admin changes the shares of a challenge with several sponsors. ``partial``: ``data``
    holds only the fields that change (the API's PATCH)."""
    challenge = get_managed(user, challenge_id)
    if challenge.status != "draft":
        raise Conflict(_("Only a draft can be edited; ask an administrator to send it back."))
    given = dict(data)
    if partial:
        given = {**current(challenge), **given}
        if "shares" not in data and len(challenge.sponsors) == 1:
            given.pop("shares")  # follows the budget
    data = check(given)
    before = audit.snapshot(challenge, AUDITED)
    if len(challenge.sponsors) == 1 and not (data["shares"] and permissions.is_admin(user)):
        data["shares"] = {challenge.sponsors[0].organization_id: data["budget_wan"] - data["centre_share_wan"]}
    elif not permissions.is_admin(user):
        data["shares"] = {s.organization_id: s.share_wan for s in challenge.sponsors}
    _check_shares(data, [s.organization_id for s in challenge.sponsors])
    transitions.advance(
        challenge, {"status": "draft"}, {"updated_at": utcnow()}, _("The challenge changed meanwhile: reload the page.")
    )
    _apply(challenge, data)
    for sponsor in challenge.sponsors:
        share = data["shares"][sponsor.organization_id]
        if share != sponsor.share_wan:
            sponsor.share_wan = share
            mine = user.organization_id == sponsor.organization_id
            sponsor.confirmed_at, sponsor.confirmed_by_id = (utcnow(), user.id) if mine else (None, None)
    audit.record(user, "challenge_edit", challenge, before, audit.snapshot(challenge, AUDITED))
    db.session.commit()
    return challenge


def confirm_share(user: User, challenge_id: int) -> ChallengeSponsor:
    """A sponsor's member confirms the firm's share of the budget (once; a second click is 409)."""
    challenge = get_managed(user, challenge_id)
    sponsor = next((s for s in challenge.sponsors if s.organization_id == user.organization_id), None)
    if sponsor is None:
        raise Forbidden(_("Only a sponsoring firm confirms its own share."))
    refusal = _("This share is already confirmed, or the challenge is no longer a draft.")
    if challenge.status != "draft" or sponsor.confirmed_at is not None:
        raise Conflict(refusal)
    transitions.advance(challenge, {"status": "draft"}, {}, refusal)  # holds the challenge: no submit meanwhile
    transitions.advance(
        sponsor, {"confirmed_at": None}, {"confirmed_at": utcnow(), "confirmed_by_id": user.id}, refusal
    )
    audit.record(
        user,
        "challenge_confirm",
        challenge,
        {},
        {"organization_id": user.organization_id, "share": str(sponsor.share_wan)},
    )
    db.session.commit()
    return sponsor


def _move(user: User, challenge: Challenge, to: str, action: str, refusal: str, note: str = "", **values) -> None:
    """``challenge`` from the status just read to ``to`` (one winner), with its audit row."""
    before = challenge.status
    transitions.advance(challenge, {"status": before}, {"status": to, "updated_at": utcnow(), **values}, refusal)
    audit.record(user, action, challenge, {"status": before}, {"status": to}, note)


def submit(user: User, challenge_id: int) -> Challenge:
    """draft → review, when every sponsor confirmed its share and the deadline is ahead."""
    challenge = get_managed(user, challenge_id)
    refusal = _("Only a draft can be submitted for review.")
    if challenge.status != "draft":
        raise Conflict(refusal)
    waiting = [s.organization.name for s in challenge.sponsors if s.confirmed_at is None]
    if waiting:
        raise DomainError(_("Waiting for these sponsors to confirm their share: %(names)s.", names="、".join(waiting)))
    if challenge.proposal_deadline <= today():
        raise DomainError(_("The proposal deadline must be after today."))
    _move(user, challenge, "review", "challenge_submit", refusal, submitted_at=utcnow())
    notify(admins(), "challenge_changed", _params(challenge), challenge_path(challenge))
    db.session.commit()
    return challenge


def send_back(admin: User, challenge_id: int, note: str) -> Challenge:
    """review → draft with the reviewer's note."""
    require_admin(admin)
    challenge = get_managed(admin, challenge_id)
    refusal = _("Only a challenge in review can be sent back.")
    if challenge.status != "review":
        raise Conflict(refusal)
    note = load(ReasonInput(), {"reason": note})["reason"]
    _move(admin, challenge, "draft", "challenge_return", refusal, note, review_note=note)
    _tell_sponsors(challenge)
    db.session.commit()
    return challenge


def publish(admin: User, challenge_id: int) -> Challenge:
    """review → open (发榜): public from now on; the institutions whose achievements fit it are told once."""
    from matchmaker.services import challenge_match

    require_admin(admin)
    challenge = get_managed(admin, challenge_id)
    refusal = _("Only a challenge in review can be published.")
    if challenge.status != "review":
        raise Conflict(refusal)
    if challenge.proposal_deadline <= today():
        raise DomainError(_("The proposal deadline has passed: send the challenge back for a new one."))
    _move(admin, challenge, "open", "challenge_publish", refusal, opened_at=utcnow(), review_note="")
    _tell_sponsors(challenge)
    challenge_match.notify_institutions(challenge)
    db.session.commit()
    return challenge


def start_evaluation(user: User, challenge_id: int) -> Challenge:
    """open → evaluating, once the deadline has passed (a sponsor or an admin)."""
    challenge = get_managed(user, challenge_id)
    refusal = _("Only an open challenge moves to evaluation.")
    if challenge.status != "open":
        raise Conflict(refusal)
    if challenge.proposal_deadline >= today():
        raise DomainError(_("Proposals are accepted until the end of the deadline day; evaluate after it."))
    _move(user, challenge, "evaluating", "challenge_evaluate", refusal)
    _tell_sponsors(challenge)
    db.session.commit()
    return challenge


def close_without_award(admin: User, challenge_id: int, reason: str) -> Challenge:
    """open | evaluating → closed_without_award, with the reason every bidder and sponsor is told."""
    require_admin(admin)
    challenge = get_managed(admin, challenge_id)
    refusal = _("Only an open challenge or one in evaluation can be closed.")
    if challenge.status not in ("open", "evaluating"):
        raise Conflict(refusal)
    reason = load(ReasonInput(), {"reason": reason})["reason"]
    _move(
        admin,
        challenge,
        "closed_without_award",
        "challenge_close",
        refusal,
        reason,
        close_reason=reason,
        decided_at=utcnow(),
    )
    decide_proposals(challenge, None)
    _tell_sponsors(challenge)
    db.session.commit()
    return challenge


def decide_proposals(challenge: Challenge, winner: Proposal | None) -> None:
    """Every standing proposal becomes awarded (the winner) or not awarded; each team is told."""
    for proposal in challenge.proposals:
        if proposal.status != "submitted":
            continue
        proposal.status = "awarded" if winner is not None and proposal.id == winner.id else "not_awarded"
        notify(
            org_members(proposal.lead_org_id),
            "proposal_decided",
            {"title": challenge.title, **status_params(domain.PROPOSAL_STATUSES, proposal.status)},
            path_for("challenges.proposal", proposal_id=proposal.id),
        )


def status_params(table: dict, code: str) -> dict:
    """A status for a notification, in both languages (its text is rendered in the reader's)."""
    return {"status_zh": domain.label(table, code, "zh"), "status_en": domain.label(table, code, "en")}


def _params(challenge: Challenge) -> dict:
    return {"title": challenge.title, **status_params(domain.CHALLENGE_STATUSES, challenge.status)}


def _tell_sponsors(challenge: Challenge) -> None:
    for sponsor in challenge.sponsors:
        notify(org_members(sponsor.organization_id), "challenge_changed", _params(challenge), challenge_path(challenge))


def sponsored_by(org_id: int | None) -> list[Challenge]:
    """The challenges an organization sponsors, newest first (its desk's list)."""
    if org_id is None:
        return []
    return list(
        db.session.scalars(
            select(Challenge)
            .join(ChallengeSponsor, ChallengeSponsor.challenge_id == Challenge.id)
            .where(ChallengeSponsor.organization_id == org_id)
            .order_by(Challenge.updated_at.desc())
            .options(selectinload(Challenge.sponsors))  # each card names its sponsors: one query, not one per card
        )
    )
