"""Evaluation (评审) and award (授榜): experts appointed, proposals scored per evaluator, one winner or none.

The sponsors' members and the experts an admin appoints score each standing proposal on the
challenge's criteria, each from 0 to its weight (the weights add up to 100, so a total is out of
100). Scores are kept per evaluator; one per evaluator and proposal (a unique constraint). Anyone
from a bidding organization is refused, as expert or as scorer (a conflict of interest). The
ranking is the mean of the evaluators' totals. The award, by an admin, names one proposal, or none
with a reason; it turns the proposal into the agreement's milestones and the pool's deal record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matchmaker import permissions
from matchmaker.extensions import db
from matchmaker.models import Challenge, ChallengeExpert, Deal, Milestone, Proposal, ProposalScore, User
from matchmaker.models.base import utcnow
from matchmaker.schemas import InvalidInput, load
from matchmaker.schemas.challenges import AwardInput, ExpertInput, ScoreInput
from matchmaker.services import audit, transitions
from matchmaker.services.challenge_rules import get_managed, is_expert, is_sponsor, require_admin
from matchmaker.services.challenges import challenge_path, decide_proposals
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.notify import notify, org_members


def bidder_org_ids(challenge: Challenge) -> set[int]:
    return {o for p in challenge.proposals if p.status != "withdrawn" for o in p.bidder_org_ids}


def appoint_expert(admin: User, challenge_id: int, email: str) -> ChallengeExpert:
    """An admin appoints a registered, active person (by e-mail) to score; never one from a bidder or sponsor."""
    require_admin(admin)
    challenge = get_managed(admin, challenge_id)
    if challenge.status not in ("review", "open", "evaluating"):
        raise Conflict(_("Experts are appointed before the award."))
    address = load(ExpertInput(), {"email": email})["email"].lower()
    expert = db.session.scalar(select(User).where(func.lower(User.email) == address, User.active.is_(True)))
    if expert is None:
        raise DomainError(_("No active account has this e-mail address."))
    if expert.organization_id is not None and expert.organization_id in bidder_org_ids(challenge):
        raise DomainError(_("This person belongs to a bidding organization: a conflict of interest."))
    if expert.organization_id is not None and expert.organization_id in challenge.sponsor_org_ids:
        raise DomainError(_("Sponsors score as sponsors; appoint an outside expert."))
    appointment = ChallengeExpert(challenge_id=challenge.id, user_id=expert.id, appointed_by_id=admin.id)
    db.session.add(appointment)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This expert is already appointed.")) from None
    audit.record(admin, "expert_appoint", challenge, {}, {"user_id": expert.id})
    db.session.commit()
    return appointment


def evaluator_role(user, challenge: Challenge) -> str | None:
    """ "sponsor", "expert" or "admin": in what capacity ``user`` scores (None: not at all)."""
    if is_sponsor(user, challenge):
        return "sponsor"
    if is_expert(user, challenge):
        return "expert"
    if permissions.is_admin(user):
        return "admin"
    return None


def score(user: User, proposal_id: int, points: list, comment: str = "") -> ProposalScore:
    """One evaluator's points on one proposal, once, while the challenge is in evaluation."""
    from matchmaker.services.proposals import get_visible as get_proposal

    proposal = get_proposal(user, proposal_id)
    challenge = proposal.challenge
    role = evaluator_role(user, challenge)
    if role is None:
        raise Forbidden(_("Only the sponsors, the appointed experts and administrators score proposals."))
    if user.organization_id is not None and user.organization_id in proposal.bidder_org_ids:
        raise Forbidden(_("You belong to a bidding organization of this proposal: a conflict of interest."))
    refusal = _("Proposals are scored while the challenge is in evaluation.")
    if challenge.status != "evaluating" or proposal.status != "submitted":
        raise Conflict(refusal)
    given = load(ScoreInput(), {"points": points, "comment": comment})
    values, comment = _points(given["points"], challenge.criteria), given.get("comment", "")
    transitions.advance(challenge, {"status": "evaluating"}, {}, refusal)  # no award while this lands
    row = ProposalScore(
        proposal_id=proposal.id,
        evaluator_id=user.id,
        role=role,
        points=[float(v) for v in values],
        total=sum(values, Decimal("0")),
        comment=comment,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("You have already scored this proposal.")) from None
    audit.record(user, "proposal_score", proposal, {}, {"total": str(row.total), "role": role})
    db.session.commit()
    return row


def _points(points: list[Decimal], criteria: list[dict]) -> list[Decimal]:
    """Points loaded by ``ScoreInput`` held against the challenge: one per criterion, each up to its weight."""
    if len(points) != len(criteria):
        raise InvalidInput({"points": _("Score every criterion.")})
    for value, criterion in zip(points, criteria):
        if value > criterion["weight"]:
            message = _(
                "The score for “%(name)s” must be between 0 and %(max)d.",
                name=criterion["name"],
                max=criterion["weight"],
            )
            raise InvalidInput({"points": message})
    return points


@dataclass
class Ranked:
    proposal: Proposal
    mean: float | None
    count: int
    mine: ProposalScore | None


def ranking(user, challenge: Challenge) -> list[Ranked]:
    """Standing (and decided) proposals by mean total, best first; unscored ones last. One query."""
    rows = db.session.execute(
        select(ProposalScore.proposal_id, func.avg(ProposalScore.total), func.count(ProposalScore.id))
        .join(Proposal, Proposal.id == ProposalScore.proposal_id)
        .where(Proposal.challenge_id == challenge.id)
        .group_by(ProposalScore.proposal_id)
    ).all()
    means = {pid: (float(avg), n) for pid, avg, n in rows}
    mine = {
        s.proposal_id: s
        for s in db.session.scalars(
            select(ProposalScore)
            .join(Proposal, Proposal.id == ProposalScore.proposal_id)
            .where(Proposal.challenge_id == challenge.id, ProposalScore.evaluator_id == getattr(user, "id", None))
        )
    }
    out = [
        Ranked(p, means.get(p.id, (None, 0))[0], means.get(p.id, (None, 0))[1], mine.get(p.id))
        for p in challenge.proposals
        if p.status != "withdrawn"
    ]
    out.sort(key=lambda r: (r.mean is None, -(r.mean or 0), r.proposal.id))
    return out


def award(
    admin: User,
    challenge_id: int,
    proposal_id: int,
    signed_on: date,
    registration_no: str = "",
    amount_wan: Decimal | None = None,
) -> Challenge:
    """evaluating → awarded: the proposal wins, its milestones become the agreement's, and the pool
    records the technology-development deal (amount: the price unless the contract says otherwise)."""
    require_admin(admin)
    challenge = get_managed(admin, challenge_id)
    refusal = _("Only a challenge in evaluation can be awarded.")
    if challenge.status != "evaluating":
        raise Conflict(refusal)
    winner = next((p for p in challenge.proposals if p.id == proposal_id), None)
    if winner is None or winner.status == "withdrawn":
        raise NotFound(_("Choose one of the challenge's standing proposals."))
    if winner.status != "submitted":  # decided meanwhile: an award or a close won the race
        raise Conflict(refusal)
    terms = {"proposal_id": proposal_id, "signed_on": signed_on, "registration_no": registration_no or ""}
    terms = load(AwardInput(), {**terms, **({"amount_wan": amount_wan} if amount_wan is not None else {})})
    signed_on, registration_no = terms["signed_on"], terms["registration_no"]
    amount = terms.get("amount_wan") or winner.price_wan
    transitions.advance(
        challenge,
        {"status": "evaluating"},
        {"status": "awarded", "decided_at": utcnow(), "updated_at": utcnow()},
        refusal,
    )
    decide_proposals(challenge, winner)
    for seq, m in enumerate(winner.milestones, 1):
        db.session.add(
            Milestone(
                challenge_id=challenge.id,
                seq=seq,
                title=m["title"],
                due_on=date.fromisoformat(m["due"]),
                payment_wan=Decimal(m["payment_wan"]),
            )
        )
    db.session.add(
        Deal(
            challenge_id=challenge.id,
            contract_type="development",
            amount_wan=amount,
            signed_on=signed_on,
            registration_no=registration_no,
            recorded_by_id=admin.id,
        )
    )
    audit.record(
        admin,
        "challenge_award",
        challenge,
        {"status": "evaluating"},
        {"status": "awarded", "proposal_id": winner.id, "amount": str(amount)},
    )
    for org_id in challenge.sponsor_org_ids:
        notify(
            org_members(org_id),
            "challenge_changed",
            {"title": challenge.title, "status_zh": "已授榜", "status_en": "Awarded"},
            challenge_path(challenge),
        )
    db.session.commit()
    return challenge


def deal_of(challenge: Challenge) -> Deal | None:
    return db.session.scalar(select(Deal).where(Deal.challenge_id == challenge.id))
