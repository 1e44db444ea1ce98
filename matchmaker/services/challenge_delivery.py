"""The agreement after the award: milestones delivered by the winning team, accepted by a sponsor.

No files are uploaded: the team records what it delivered (a note), a sponsor's member (or an admin)
records the acceptance with its date and note. planned → delivered → accepted; a planned milestone
past its due date shows as late (``Milestone.shown_status``). Each step is one conditional UPDATE.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from matchmaker import domain, permissions
from matchmaker.extensions import db
from matchmaker.models import Milestone, User
from matchmaker.models.base import utcnow
from matchmaker.schemas import load
from matchmaker.schemas.challenges import DeliverInput, MilestoneAcceptInput
from matchmaker.services import audit, transitions
from matchmaker.services.challenge_rules import is_sponsor
from matchmaker.services.challenges import challenge_path, status_params
from matchmaker.services.errors import Conflict, Forbidden, NotFound
from matchmaker.services.notify import notify, org_members


def _milestone(user, milestone_id: int) -> Milestone:
    """The agreement is the parties': the sponsors, the winning team and admins see it; others get 404."""
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or not can_see_agreement(user, milestone.challenge):
        raise NotFound(_("Milestone not found."))
    return milestone


def can_see_or_404(user, milestone_id: int) -> Milestone:
    """Check first who asks (404 for outsiders), then the input: nothing is told to whom it is not for."""
    return _milestone(user, milestone_id)


def can_see_agreement(user, challenge) -> bool:
    winner = challenge.awarded_proposal
    team = winner is not None and getattr(user, "organization_id", None) in winner.bidder_org_ids
    return team or is_sponsor(user, challenge) or permissions.is_admin(user)


def deliver(user: User, milestone_id: int, note: str) -> Milestone:
    milestone = _milestone(user, milestone_id)
    winner = milestone.challenge.awarded_proposal
    if winner is None or user.organization_id != winner.lead_org_id:
        raise Forbidden(_("Only the winning team's lead organization reports a delivery."))
    refusal = _("Only a planned milestone can be reported delivered.")
    if milestone.status != "planned":
        raise Conflict(refusal)
    note = load(DeliverInput(), {"note": note})["note"]
    transitions.advance(
        milestone,
        {"status": "planned"},
        {"status": "delivered", "delivered_at": utcnow(), "delivery_note": note},
        refusal,
    )
    audit.record(user, "milestone_deliver", milestone, {"status": "planned"}, {"status": "delivered"}, note)
    _tell(milestone, milestone.challenge.sponsor_org_ids)
    db.session.commit()
    return milestone


def accept(user: User, milestone_id: int, accepted_on: date, note: str) -> Milestone:
    """A sponsor (or an admin) accepts a milestone, delivered or not yet reported, with date and note."""
    milestone = _milestone(user, milestone_id)
    if not (is_sponsor(user, milestone.challenge) or permissions.is_admin(user)):
        raise Forbidden(_("Only the sponsors and administrators accept a milestone."))
    refusal = _("This milestone is already accepted.")
    if milestone.status == "accepted":
        raise Conflict(refusal)
    given = load(MilestoneAcceptInput(), {"accepted_on": accepted_on, "note": note})
    accepted_on, note = given["accepted_on"], given["note"]
    before = milestone.status
    transitions.advance(
        milestone,
        {"status": before},
        {"status": "accepted", "accepted_on": accepted_on, "acceptance_note": note, "accepted_by_id": user.id},
        refusal,
    )
    audit.record(user, "milestone_accept", milestone, {"status": before}, {"status": "accepted"}, note)
    winner = milestone.challenge.awarded_proposal
    _tell(milestone, {winner.lead_org_id} if winner else set())
    db.session.commit()
    return milestone


def _tell(milestone: Milestone, org_ids) -> None:
    for org_id in org_ids:
        notify(
            org_members(org_id),
            "milestone_changed",
            {
                "title": milestone.challenge.title,
                "milestone": milestone.title,
                **status_params(domain.MILESTONE_STATUSES, milestone.status),
            },
            challenge_path(milestone.challenge),
        )
