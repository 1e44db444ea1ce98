"""Proposals (揭榜方案): who may bid, what a bid says, and who may read it.

A university, institute or service agency of an eligible region bids (with partners: a consortium,
one lead), before the end of the deadline day, never a sponsor's own organization. One standing
proposal per lead organization and challenge (a partial unique index). A proposal is confidential:
the bidding organizations, the sponsors, the appointed experts and admins read it; anyone else gets
404, whether or not it exists. It can be changed or withdrawn until the deadline, not after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Challenge, Organization, Proposal, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit, challenge_rules, transitions
from matchmaker.services.challenge_rules import (
    MAX_MILESTONES,
    TEXT_LIMIT,
    clean_text,
    is_expert,
    is_sponsor,
    money,
    today,
    whole,
)
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import path_for
from matchmaker.services.notify import notify, org_members

MAX_PARTNERS = 5


@dataclass
class ProposalData:
    lead_person: str
    team: str
    approach: str
    indicator_plans: list[str]
    milestones: list[dict]  # {"title", "due" (date), "payment_wan"}
    price_wan: Decimal
    trl: int
    partner_org_ids: list[int] = field(default_factory=list)
    achievement_ids: list[int] = field(default_factory=list)


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


def _check(data: ProposalData, challenge: Challenge, lead: Organization) -> ProposalData:
    data.lead_person = clean_text(data.lead_person, _("Lead person"), 50)
    data.team = clean_text(data.team, _("Team"), TEXT_LIMIT)
    data.approach = clean_text(data.approach, _("Technical approach"), TEXT_LIMIT * 2)
    plans = list(data.indicator_plans or [])
    if len(plans) != len(challenge.indicators):
        raise DomainError(_("Say how each indicator will be reached."))
    data.indicator_plans = [
        clean_text(p, _("How “%(name)s” will be reached", name=i["name"]), 2000)
        for p, i in zip(plans, challenge.indicators)
    ]
    data.price_wan = money(data.price_wan, _("Price"), positive=True)
    if data.price_wan > challenge.budget_wan:
        raise DomainError(_("The price cannot exceed the challenge's budget."))
    data.trl = whole(data.trl, _("Maturity now (TRL)"), 1, 9)
    if data.trl < challenge.min_trl:
        raise DomainError(_("The challenge asks for a technology at TRL %(num)d or above now.", num=challenge.min_trl))
    data.milestones = _milestones(data.milestones, data.price_wan)
    partners = list(dict.fromkeys(int(i) for i in data.partner_org_ids or [] if int(i) != lead.id))
    if len(partners) > MAX_PARTNERS:
        raise DomainError(_("A consortium has at most %(num)d partners besides its lead.", num=MAX_PARTNERS))
    for org_id in partners:
        problem = eligibility_problem(db.session.get(Organization, org_id), challenge)
        if problem:
            raise DomainError(_("A partner cannot join this proposal: %(why)s", why=problem))
    data.partner_org_ids = partners
    ids = list(dict.fromkeys(int(i) for i in data.achievement_ids or []))[:10]
    if ids:
        found = db.session.scalars(select(Achievement).where(Achievement.id.in_(ids))).all()
        bidders = {lead.id, *partners}
        if len(found) != len(ids) or any(a.status != "published" or a.organization_id not in bidders for a in found):
            raise DomainError(_("Link only published achievements of the bidding organizations."))
    data.achievement_ids = ids
    return data


def _milestones(rows, price: Decimal) -> list[dict]:
    out = []
    for row in rows or []:
        title = clean_text(row.get("title"), _("Milestone"), 200, required=False)
        due, payment = row.get("due"), row.get("payment_wan")
        if not title and due is None and payment in (None, ""):
            continue
        if not title or not isinstance(due, date) or payment in (None, ""):
            raise DomainError(_("Each milestone needs a title, a due date and a payment."))
        if due <= today():
            raise DomainError(_("A milestone's due date must be in the future."))
        out.append({"title": title, "due": due.isoformat(), "payment_wan": str(money(payment, _("Payment")))})
    if not out or len(out) > MAX_MILESTONES:
        raise DomainError(_("Give 1 to %(num)d milestones.", num=MAX_MILESTONES))
    if [m["due"] for m in out] != sorted(m["due"] for m in out):
        raise DomainError(_("List the milestones in the order of their dates."))
    if sum(Decimal(m["payment_wan"]) for m in out) != price:
        raise DomainError(_("The milestones' payments must add up to the price."))
    return out


def _open_for_bids(challenge: Challenge, message: str) -> None:
    """Hold the challenge row while it is still open (a concurrent move to evaluation waits or wins)."""
    if challenge.status != "open" or challenge.proposal_deadline < today():
        raise Conflict(message)
    transitions.advance(challenge, {"status": "open"}, {}, message)


def submit(user: User, challenge_id: int, data: ProposalData) -> Proposal:
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
    audit.record(user, "proposal_submit", proposal, {}, {"challenge_id": challenge.id, "price": str(data.price_wan)})
    for org_id in challenge.sponsor_org_ids:
        notify(
            org_members(org_id),
            "proposal_received",
            {"title": challenge.title, "org": org.name},
            path_for("challenges.proposal", proposal_id=proposal.id),
        )
    db.session.commit()
    return proposal


def _apply(proposal: Proposal, data: ProposalData) -> None:
    for name in ("lead_person", "team", "approach", "indicator_plans", "milestones", "price_wan", "trl"):
        setattr(proposal, name, getattr(data, name))
    proposal.partner_org_ids = data.partner_org_ids
    proposal.achievement_ids = data.achievement_ids


def _own(user: User, proposal_id: int) -> Proposal:
    proposal = get_visible(user, proposal_id)
    if user.organization_id != proposal.lead_org_id:
        raise Forbidden(_("Only the lead organization changes or withdraws its proposal."))
    return proposal


def update(user: User, proposal_id: int, data: ProposalData) -> Proposal:
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
    audit.record(user, "proposal_edit", proposal, {}, {"price": str(data.price_wan)})
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
