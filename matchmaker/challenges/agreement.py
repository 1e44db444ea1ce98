"""The award and the agreement's milestones: delivered by the team, accepted by a sponsor."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.challenges import bp
from matchmaker.challenges.forms import AcceptForm, AwardForm, DeliverForm, parse_errors
from matchmaker.challenges.views import back_to, refuse
from matchmaker.extensions import db
from matchmaker.models import Milestone
from matchmaker.services import challenge_delivery, challenge_evaluation, challenge_rules
from matchmaker.services.errors import DomainError


@bp.route("/challenges/<int:challenge_id>/award", methods=["POST"])
@login_required
def award(challenge_id: int):
    form = AwardForm()
    try:
        challenge_rules.require_admin(current_user)
        if not form.validate():  # a date or number the browser sent does not parse
            raise DomainError(parse_errors(form))
        challenge_evaluation.award(
            current_user, challenge_id, form.proposal_id.data, form.signed_on.data, form.registration_no.data or ""
        )
    except DomainError as error:
        return refuse(error) or redirect(url_for("challenges.ranking", challenge_id=challenge_id), 303)
    flash(_("Awarded. The agreement's milestones and the deal are recorded."), "success")
    return back_to(challenge_id)


def _challenge_of(milestone_id: int) -> int | None:
    milestone = db.session.get(Milestone, milestone_id)
    return milestone.challenge_id if milestone else None


@bp.route("/milestones/<int:milestone_id>/deliver", methods=["POST"])
@login_required
def deliver(milestone_id: int):
    form = DeliverForm()
    try:
        challenge_delivery.can_see_or_404(current_user, milestone_id)
        milestone = challenge_delivery.deliver(current_user, milestone_id, form.note.data or "")
    except DomainError as error:
        return refuse(error) or back_to(_challenge_of(milestone_id))
    flash(_("The delivery is recorded; the sponsors are told."), "success")
    return back_to(milestone.challenge_id)


@bp.route("/milestones/<int:milestone_id>/accept", methods=["POST"])
@login_required
def accept_milestone(milestone_id: int):
    form = AcceptForm()
    try:
        challenge_delivery.can_see_or_404(current_user, milestone_id)
        if not form.validate():  # the date does not parse
            raise DomainError(parse_errors(form))
        milestone = challenge_delivery.accept(current_user, milestone_id, form.accepted_on.data, form.note.data or "")
    except DomainError as error:
        return refuse(error) or back_to(_challenge_of(milestone_id))
    flash(_("The milestone is accepted."), "success")
    return back_to(milestone.challenge_id)
