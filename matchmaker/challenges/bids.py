"""Proposal pages: bid, read (confidential), change or withdraw before the deadline, score, the ranking."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from matchmaker.challenges import bp
from matchmaker.challenges.forms import AwardForm, ProposalForm, ScoreForm, parse_errors
from matchmaker.challenges.views import back_to, refuse
from matchmaker.extensions import db
from matchmaker.forms import attempt
from matchmaker.models import Achievement, Organization
from matchmaker.services import challenge_evaluation, challenge_rules, proposals
from matchmaker.services.challenge_rules import today
from matchmaker.services.errors import DomainError, NotFound


def _choices(challenge, lead_org_id: int | None):
    """Partners a lead may name (eligible organizations) and the achievements it may link (its own)."""
    partners = [
        o
        for o in db.session.scalars(
            select(Organization)
            .where(
                Organization.kind.in_(challenge.eligible_kinds),
                Organization.region.in_(challenge.eligible_regions),
                Organization.verified.is_(True),
                Organization.suspended.is_(False),
            )
            .order_by(Organization.name)
            .limit(200)
        )
        if o.id != lead_org_id and o.id not in challenge.sponsor_org_ids
    ]
    achievements = list(
        db.session.scalars(
            select(Achievement)
            .where(Achievement.organization_id == lead_org_id, Achievement.status == "published")
            .order_by(Achievement.id.desc())
            .limit(100)
        )
    )
    return partners, achievements


def _form(challenge, lead_org_id):
    partners, achievements = _choices(challenge, lead_org_id)
    return ProposalForm(indicators=challenge.indicators, partners=partners, achievements=achievements)


@bp.route("/challenges/<int:challenge_id>/proposals/new", methods=["GET", "POST"])
@login_required
def bid(challenge_id: int):
    try:
        challenge = challenge_rules.get_visible(current_user, challenge_id)
    except DomainError as error:
        return refuse(error)
    problem = proposals.eligibility_problem(current_user.organization, challenge)
    if challenge.status != "open" or challenge.proposal_deadline < today():
        problem = _("The proposal deadline has passed: no more proposals are accepted.")
    if problem:
        flash(problem, "error")
        return back_to(challenge_id)
    standing = proposals.standing_of(current_user, challenge)
    if standing is not None and request.method == "GET":  # a POST goes on: the service answers 409
        return redirect(url_for("challenges.edit_proposal", proposal_id=standing.id), 303)
    form = _form(challenge, current_user.organization_id)
    status = 200
    if request.method == "POST":
        if form.validate():
            ok, out = attempt(form, lambda: proposals.submit(current_user, challenge_id, form.to_data()))
            if ok:
                flash(
                    _("Your proposal is submitted. Only the sponsors, the experts and the centre can read it."),
                    "success",
                )
                return redirect(url_for("challenges.proposal", proposal_id=out.id), 303)
            if out is not None:
                return out
        status = 400
    return render_template("challenges/proposal_form.html", form=form, challenge=challenge, proposal=None), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_proposal(proposal_id: int):
    try:
        proposal = proposals.get_visible(current_user, proposal_id)
        if current_user.organization_id != proposal.lead_org_id:
            raise NotFound(_("Proposal not found."))
    except DomainError as error:
        return refuse(error)
    challenge = proposal.challenge
    form = _form(challenge, proposal.lead_org_id)
    if request.method == "GET":
        form.load(proposal)
    status = 200
    if request.method == "POST":
        if form.validate():
            ok, out = attempt(form, lambda: proposals.update(current_user, proposal_id, form.to_data()))
            if ok:
                flash(_("Your proposal is updated."), "success")
                return redirect(url_for("challenges.proposal", proposal_id=proposal_id), 303)
            if out is not None:
                return out
        status = 400
    return render_template("challenges/proposal_form.html", form=form, challenge=challenge, proposal=proposal), status


@bp.route("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id: int):
    try:
        proposal = proposals.get_visible(current_user, proposal_id)
    except DomainError as error:
        return refuse(error)
    return _proposal_page(proposal)


def _proposal_page(proposal, status: int = 200, score_form=None):
    challenge = proposal.challenge
    role = challenge_evaluation.evaluator_role(current_user, challenge)
    conflicted = current_user.organization_id in proposal.bidder_org_ids
    mine = next((s for s in proposal.scores if s.evaluator_id == current_user.id), None)
    return render_template(
        "challenges/proposal.html",
        proposal=proposal,
        challenge=challenge,
        today=today(),
        orgs=proposals.organizations(proposal.partner_org_ids),
        linked=proposals.achievements(proposal.achievement_ids),
        is_lead=current_user.organization_id == proposal.lead_org_id,
        can_score=role is not None and not conflicted and mine is None and challenge.status == "evaluating",
        show_scores=role is not None and not conflicted,
        mine=mine,
        score_form=score_form or ScoreForm(formdata=None, criteria=challenge.criteria),
    ), status


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int):
    try:
        proposals.withdraw(current_user, proposal_id)
    except DomainError as error:
        return refuse(error) or redirect(url_for("challenges.proposal", proposal_id=proposal_id), 303)
    flash(_("Your proposal is withdrawn."), "success")
    return redirect(url_for("challenges.proposal", proposal_id=proposal_id), 303)


@bp.route("/proposals/<int:proposal_id>/scores", methods=["POST"])
@login_required
def score(proposal_id: int):
    try:
        proposal = proposals.get_visible(current_user, proposal_id)
        form = ScoreForm(criteria=proposal.challenge.criteria)
        if not form.validate():  # what the browser sent is not a number
            raise DomainError(parse_errors(form))
        points = [e.data for e in form.points]
        challenge_evaluation.score(current_user, proposal_id, points, form.comment.data or "")
    except DomainError as error:
        return refuse(error) or redirect(url_for("challenges.proposal", proposal_id=proposal_id), 303)
    flash(_("Your scores are recorded."), "success")
    return redirect(url_for("challenges.ranking", challenge_id=proposal.challenge_id), 303)


@bp.route("/challenges/<int:challenge_id>/proposals")
@login_required
def ranking(challenge_id: int):
    """The proposals by mean score: for the sponsors, the experts and admins (anyone else: 404)."""
    try:
        challenge = challenge_rules.get_visible(current_user, challenge_id)
    except DomainError as error:
        return refuse(error)
    if challenge_evaluation.evaluator_role(current_user, challenge) is None:
        abort(404)
    award_form = AwardForm(formdata=None)
    award_form.signed_on.data = today()
    return render_template(
        "challenges/ranking.html",
        challenge=challenge,
        rows=challenge_evaluation.ranking(current_user, challenge),
        award_form=award_form,
        is_admin=current_user.is_admin,
        today=today(),
    )
