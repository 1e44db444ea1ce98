"""Proposals (揭榜方案): who may bid, what a bid says, and who may read it.

A university, institute or service agency of an eligible region bids (with partners: a consortium,
one lead), before the end of the deadline day, never a sponsor's own organization. One standing
proposal per lead organization and challenge (a partial unique index). A proposal is confidential:
the bidding organizations, the sponsors, the appointed experts and admins read it; anyone else gets
404, whether or not it exists. It can be changed or withdrawn until the deadline, not after.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Challenge, Organization, Proposal, User
from matchmaker.models.base import utcnow
from matchmaker.schemas import InvalidInput, load
from matchmaker.schemas.challenges import ProposalInput
from matchmaker.services import audit, challenge_rules, transitions
from matchmaker.services.challenge_rules import is_expert, is_sponsor, today
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import path_for
from matchmaker.services.notify import notify, org_members

DATA_FIELDS = ("lead_person", "team", "approach", "indicator_plans", "milestones", "price_wan", "trl")
_INPUT = ProposalInput()


def can_read(user, proposal: Proposal) -> bool:
    """The bidders, the sponsors, the challenge's experts and admins; nobody else (not other bidders)."""
    if not getattr(user, "is_authenticated", False):
        return False
    challenge = proposal.challenge
    return (
        permissions.is_admin(user)
        or (user.organization_id is not None and user.organization_id in proposal.bidder_org_ids)
        or is_sponsor(user, challenge)
        or is_expert(user, challenge)
    )


def get_visible(user, proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_read(user, proposal):
        raise NotFound(_("Proposal not found."))
    return proposal


def for_challenge(user, challenge: Challenge) -> list[Proposal]:
    """What ``user`` may list on a challenge: all for sponsors, experts and admins; its own for a bidder."""
    rows = list(challenge.proposals)
    if permissions.is_admin(user) or is_sponsor(user, challenge) or is_expert(user, challenge):
        return rows
    org = getattr(user, "organization_id", None)
    return [p for p in rows if org is not None and org in p.bidder_org_ids]


def standing_of(user, challenge: Challenge) -> Proposal | None:
    org = getattr(user, "organization_id", None)
    return next((p for p in challenge.proposals if p.status == "submitted" and p.lead_org_id == org), None)


def eligibility_problem(org: Organization | None, challenge: Challenge) -> str | None:
    """Why ``org`` may not bid on ``challenge`` (a sentence), or None."""
    if org is None:
        return _("Only members of a registered organization can bid.")
    if org.id in challenge.sponsor_org_ids:
        return _("A sponsor cannot bid on its own challenge.")
    if org.kind not in challenge.eligible_kinds:
        return _("This challenge accepts proposals from: %(kinds)s.", kinds=_kinds(challenge))
    if org.region not in challenge.eligible_regions:
        return _("This challenge accepts teams from: %(regions)s.", regions=_regions(challenge))
    if not org.verified or org.suspended:
        return _("Your organization must be verified by the centre before it can bid.")
    return None


def _kinds(challenge: Challenge) -> str:
    from matchmaker.i18n import current_lang

    return "、".join(domain.label(domain.ORG_KINDS, k, current_lang()) for k in challenge.eligible_kinds)


def _regions(challenge: Challenge) -> str:
    from matchmaker.i18n import current_lang

    return "、".join(domain.label(domain.REGIONS, r, current_lang()) for r in challenge.eligible_regions)


def _check(data: dict, challenge: Challenge, lead: Organization) -> dict:
    """``data`` loaded through ``ProposalInput``, then held against the challenge (422 naming the field)
    and the database (partners who may not bid, achievements that are not the bidders')."""
    data = load(_INPUT, data)
    wrong = {}
    if len(data["indicator_plans"]) != len(challenge.indicators):
        wrong["indicator_plans"] = _("Say how each indicator will be reached.")
    if data["price_wan"] > challenge.budget_wan:
        wrong["price_wan"] = _("The price cannot exceed the challenge's budget.")
    if data["trl"] < challenge.min_trl:
        wrong["trl"] = _("The challenge asks for a technology at TRL %(num)d or above now.", num=challenge.min_trl)
    if wrong:
        raise InvalidInput(wrong)
    data["milestones"] = [
        {"title": m["title"], "due": m["due"].isoformat(), "payment_wan": str(m["payment_wan"])}
        for m in data["milestones"]
    ]
    partners = [i for i in data.get("partner_org_ids") or [] if i != lead.id]
    for org_id in partners:
        problem = eligibility_problem(db.session.get(Organization, org_id), challenge)
        if problem:
            raise DomainError(_("A partner cannot join this proposal: %(why)s", why=problem))
    data["partner_org_ids"] = partners
    ids = list(data.get("achievement_ids") or [])
    if ids:
        found = db.session.scalars(select(Achievement).where(Achievement.id.in_(ids))).all()
        bidders = {lead.id, *partners}
        if len(found) != len(ids) or any(a.status != "published" or a.organization_id not in bidders for a in found):
            raise DomainError(_("Link only published achievements of the bidding organizations."))
    data["achievement_ids"] = ids
    return data


def _open_for_bids(challenge: Challenge, message: str) -> None:
    """Hold the challenge row while it is still open (a concurrent move to evaluation waits or wins)."""
    if challenge.status != "open" or challenge.proposal_deadline < today():
        raise Conflict(message)
    transitions.advance(challenge, {"status": "open"}, {}, message)


def submit(user: User, challenge_id: int, data: dict) -> Proposal:
    challenge = challenge_rules.get_visible(user, challenge_id)
    closed = _("The proposal deadline has passed: no more proposals are accepted.")
    if challenge.status != "open" or challenge.proposal_deadline < today():
        raise Conflict(closed)
    org = user.organization if getattr(user, "is_authenticated", False) else None
    problem = eligibility_problem(org, challenge)
    if problem:
        raise DomainError(problem)
    data = _check(data, challenge, org)
    _open_for_bids(challenge, closed)
    proposal = Proposal(challenge_id=challenge.id, lead_org_id=org.id, submitted_by_id=user.id, status="submitted")
    _apply(proposal, data)
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Your organization already has a proposal on this challenge: change it instead.")) from None
    audit.record(user, "proposal_submit", proposal, {}, {"challenge_id": challenge.id, "price": str(data["price_wan"])})
    for org_id in challenge.sponsor_org_ids:
        notify(
            org_members(org_id),
            "proposal_received",
            {"title": challenge.title, "org": org.name},
            path_for("challenges.proposal", proposal_id=proposal.id),
        )
    db.session.commit()
    return proposal


def _apply(proposal: Proposal, data: dict) -> None:
    for name in (*DATA_FIELDS, "partner_org_ids", "achievement_ids"):
        setattr(proposal, name, data[name])


def _own(user: User, proposal_id: int) -> Proposal:
    proposal = get_visible(user, proposal_id)
    if user.organization_id != proposal.lead_org_id:
        raise Forbidden(_("Only the lead organization changes or withdraws its proposal."))
    return proposal


def update(user: User, proposal_id: int, data: dict) -> Proposal:
    proposal = _own(user, proposal_id)
    challenge = proposal.challenge
    closed = _("The proposal deadline has passed: proposals can no longer be changed.")
    if proposal.status != "submitted":
        raise Conflict(_("Only a standing proposal can be changed."))
    data = _check(data, challenge, proposal.lead_org)
    _open_for_bids(challenge, closed)
    transitions.advance(
        proposal, {"status": "submitted"}, {"updated_at": utcnow()}, _("Only a standing proposal can be changed.")
    )
    _apply(proposal, data)
    audit.record(user, "proposal_edit", proposal, {}, {"price": str(data["price_wan"])})
    db.session.commit()
    return proposal


def withdraw(user: User, proposal_id: int) -> Proposal:
    proposal = _own(user, proposal_id)
    refusal = _("Only a standing proposal can be withdrawn, until the deadline.")
    if proposal.status != "submitted":
        raise Conflict(refusal)
    _open_for_bids(proposal.challenge, refusal)
    transitions.advance(proposal, {"status": "submitted"}, {"status": "withdrawn", "updated_at": utcnow()}, refusal)
    audit.record(user, "proposal_withdraw", proposal, {"status": "submitted"}, {"status": "withdrawn"})
    db.session.commit()
    return proposal


def organizations(ids) -> dict[int, Organization]:
    ids = list(ids)
    if not ids:
        return {}
    return {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(ids)))}


def achievements(ids) -> list[Achievement]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Achievement).where(Achievement.id.in_(ids))))
