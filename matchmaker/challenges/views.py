"""Challenge pages: the public list, a challenge's page, writing one, and the steps before bidding."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker import permissions
from matchmaker.challenges import bp
from matchmaker.challenges.forms import ChallengeFilters, ChallengeForm, ExpertForm, ReasonForm
from matchmaker.errors import refusal
from matchmaker.extensions import db
from matchmaker.forms import attempt
from matchmaker.models import Need
from matchmaker.paging import paginate
from matchmaker.schemas import InvalidInput
from matchmaker.services import (
    challenge_browse,
    challenge_delivery,
    challenge_evaluation,
    challenge_match,
    challenge_rules,
    challenges,
    proposals,
)
from matchmaker.services.challenge_rules import today
from matchmaker.services.errors import DomainError

PER_PAGE = 20


def refuse(error: DomainError):
    """403/404/409 as pages; any other refusal as a message (then None): an input's, each field's message."""
    page = refusal(error)
    if page is None:
        text = " ".join(dict.fromkeys(error.fields.values())) if isinstance(error, InvalidInput) else str(error)
        flash(text, "error")
    return page


def back_to(challenge_id: int):
    return redirect(url_for("challenges.detail", challenge_id=challenge_id), 303)


@bp.route("/challenges/")
def index():
    form = ChallengeFilters(request.args)
    valid = form.validate()
    filters = (
        challenge_browse.Filters(
            **{
                name: getattr(form, name).data
                for name in ("field", "region", "budget_min", "deadline_before", "status")
            }
        )
        if valid
        else None
    )
    page = paginate(challenge_browse.statement(filters), PER_PAGE) if filters else None
    can_create = current_user.is_authenticated and (
        permissions.is_admin(current_user)
        or (current_user.organization is not None and current_user.organization.is_demand)
    )
    return render_template("challenges/index.html", form=form, page=page, today=today(), can_create=can_create)


@bp.route("/challenges/<int:challenge_id>")
def detail(challenge_id: int):
    try:
        challenge = challenge_rules.get_visible(current_user, challenge_id)
    except DomainError as error:
        return refuse(error)
    user = current_user
    manager = challenge_rules.can_manage(user, challenge)
    evaluator = challenge_evaluation.evaluator_role(user, challenge) if user.is_authenticated else None
    bid_problem = proposals.eligibility_problem(user.organization, challenge) if user.is_authenticated else None
    return render_template(
        "challenges/detail.html",
        challenge=challenge,
        today=today(),
        manager=manager,
        is_admin=permissions.is_admin(user),
        is_sponsor=challenge_rules.is_sponsor(user, challenge),
        evaluator=evaluator,
        mine=proposals.for_challenge(user, challenge) if user.is_authenticated else [],
        standing=proposals.standing_of(user, challenge) if user.is_authenticated else None,
        bid_problem=bid_problem,
        fits=challenge_match.fits_for(user, challenge) if challenge.status == "open" else [],
        agreement=challenge_delivery.can_see_agreement(user, challenge) if challenge.status == "awarded" else False,
        deal=challenge_evaluation.deal_of(challenge) if challenge.status == "awarded" else None,
        reason_form=ReasonForm(formdata=None),
        expert_form=ExpertForm(formdata=None),
    )


def _needs_from_query() -> list[Need]:
    raw = request.args.get("needs", "")
    try:
        ids = [int(p) for p in raw.split(",") if p.strip()][:50]
    except ValueError:
        abort(404)
    if not ids or any(not 1 <= i <= 2**31 - 1 for i in ids):
        return []
    needs = list(db.session.scalars(select(Need).where(Need.id.in_(ids), Need.status == "published")))
    if len(needs) != len(set(ids)):
        abort(404)
    return sorted(needs, key=lambda n: ids.index(n.id))


@bp.route("/challenges/new", methods=["GET", "POST"])
@login_required
def create():
    """A firm writes its own challenge; an admin turns published needs (a common need) into one."""
    needs = _needs_from_query() if permissions.is_admin(current_user) else []
    if not permissions.is_admin(current_user) and not (
        current_user.organization is not None and current_user.organization.is_demand
    ):
        abort(403)
    if permissions.is_admin(current_user) and not needs:
        flash(_("Choose a group of common needs on the dashboard to turn into a challenge."), "info")
        return redirect(url_for("admin.dashboard", _anchor="common-needs"), 303)
    firms = list(dict.fromkeys(n.organization for n in needs))
    form = ChallengeForm()
    if request.method == "GET":
        form.defaults()
        if needs:
            first = needs[0]
            form.title.data, form.field.data = first.title, first.field
            form.problem.data = "\n".join(f"{n.organization.name}：{n.problem}" for n in needs)
            form.key_points.data, form.goals.data, form.keywords.data = first.key_points, first.goals, first.keywords
        for firm in firms:
            form.shares.append_entry({"organization_id": firm.id})
    status = 200
    if request.method == "POST":
        if form.validate():
            if needs:
                ok, out = attempt(
                    form, lambda: challenges.create_from_needs(current_user, [n.id for n in needs], form.to_data())
                )
            else:
                ok, out = attempt(form, lambda: challenges.create(current_user, form.to_data()))
            if ok:
                flash(_("The challenge is saved as a draft."), "success")
                return back_to(out.id)
            if out is not None:
                return out
        status = 400
    return render_template("challenges/form.html", form=form, challenge=None, needs=needs, firms=firms), status


@bp.route("/challenges/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    try:
        challenge = challenge_rules.get_managed(current_user, challenge_id)
    except DomainError as error:
        return refuse(error)
    form = ChallengeForm()
    if request.method == "GET":
        form.load(challenge)
        for sponsor in challenge.sponsors:
            form.shares.append_entry({"organization_id": sponsor.organization_id, "share_wan": sponsor.share_wan})
    status = 200
    if request.method == "POST":
        if form.validate():
            data = form.to_data()
            if not permissions.is_admin(current_user):
                data.pop("shares", None)
            ok, out = attempt(form, lambda: challenges.update(current_user, challenge_id, data))
            if ok:
                flash(_("Saved."), "success")
                return back_to(challenge_id)
            if out is not None:
                return out
        status = 400
    firms = [s.organization for s in challenge.sponsors]
    return render_template("challenges/form.html", form=form, challenge=challenge, needs=[], firms=firms), status


SPONSOR_ACTIONS = {
    "confirm": challenges.confirm_share,
    "submit": challenges.submit,
    "evaluate": challenges.start_evaluation,
}


@bp.route("/challenges/<int:challenge_id>/<any(confirm, submit, evaluate):action>", methods=["POST"])
@login_required
def act(challenge_id: int, action: str):
    try:
        SPONSOR_ACTIONS[action](current_user, challenge_id)
    except DomainError as error:
        return refuse(error) or back_to(challenge_id)
    flash(
        {
            "confirm": _("Your share is confirmed."),
            "submit": _("The challenge was sent to the centre for review."),
            "evaluate": _("Bidding is closed: the evaluation has started."),
        }[action],
        "success",
    )
    return back_to(challenge_id)


@bp.route("/challenges/<int:challenge_id>/review/<any(publish, return):decision>", methods=["POST"])
@login_required
def review(challenge_id: int, decision: str):
    form = ReasonForm()
    try:
        if decision == "publish":
            challenges.publish(current_user, challenge_id)
            flash(_("Published: the challenge is open for proposals."), "success")
        else:
            challenge_rules.require_admin(current_user)
            challenges.send_back(current_user, challenge_id, form.reason.data or "")
            flash(_("Sent back to the sponsors with your note."), "success")
    except DomainError as error:
        return refuse(error) or back_to(challenge_id)
    return back_to(challenge_id)


@bp.route("/challenges/<int:challenge_id>/close", methods=["POST"])
@login_required
def close(challenge_id: int):
    form = ReasonForm()
    try:
        challenge_rules.require_admin(current_user)
        challenges.close_without_award(current_user, challenge_id, form.reason.data or "")
    except DomainError as error:
        return refuse(error) or back_to(challenge_id)
    flash(_("The challenge is closed without an award."), "success")
    return back_to(challenge_id)


@bp.route("/challenges/<int:challenge_id>/experts", methods=["POST"])
@login_required
def appoint(challenge_id: int):
    form = ExpertForm()
    try:
        challenge_rules.require_admin(current_user)
        challenge_evaluation.appoint_expert(current_user, challenge_id, form.email.data or "")
    except DomainError as error:
        return refuse(error) or back_to(challenge_id)
    flash(_("The expert is appointed."), "success")
    return back_to(challenge_id)


@bp.route("/me/challenges")
@login_required
def mine():
    from matchmaker.models import Proposal

    org = current_user.organization_id
    bids = (
        list(
            db.session.scalars(
                select(Proposal)
                .where(Proposal.lead_org_id == org)
                .order_by(Proposal.id.desc())
                .options(selectinload(Proposal.challenge))  # each line names its challenge
            )
        )
        if org
        else []
    )
    return render_template("challenges/mine.html", sponsored=challenges.sponsored_by(org), bids=bids, today=today())
