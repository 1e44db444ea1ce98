"""Browse, read, post and manage achievements and needs. One set of views serves both kinds."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from matchmaker import permissions
from matchmaker.admin.forms import ReviewForm
from matchmaker.errors import refusal
from matchmaker.extensions import db
from matchmaker.models import Interest
from matchmaker.paging import page_number
from matchmaker.postings.forms import FORMS, FilterForm
from matchmaker.schemas import InvalidInput
from matchmaker.schemas import postings as inputs
from matchmaker.services import browse, contacts, curation, deals, lifecycle, postings, suggestions
from matchmaker.services.errors import DomainError

bp = Blueprint("postings", __name__)

KINDS = {"achievements": "achievement", "needs": "need"}
KIND_URL = "<any(achievements, needs):kind>"


def _fail(error: DomainError):
    """A service refusal: 403/404/409/429 as pages (``errors.refusal``), others as a message (then None)."""
    page = refusal(error)
    if page is None:
        flash(str(error), "error")
    return page


@bp.route(f"/{KIND_URL}/")
def browse_list(kind: str):
    singular = KINDS[kind]
    if any(len(request.args.getlist(key)) > 1 for key in request.args):
        abort(400)  # duplicate parameters are ambiguous: refuse rather than pick one
    form = FilterForm(request.args, kind=singular)
    page, status = None, 200
    if form.validate():
        page = browse.browse(singular, form.to_filters(), page_number(), current_app.config["PER_PAGE"])
    else:
        status = 400
    other = "need" if singular == "achievement" else "achievement"
    return render_template(
        "postings/browse.html",
        kind=singular,
        kind_url=kind,
        form=form,
        page=page,
        filter_params=FilterForm.params(request.args),
        can_post_here=permissions.can_post(current_user, singular),
        can_post_other=permissions.can_post(current_user, other),
    ), status


@bp.route(f"/{KIND_URL}/<int:posting_id>")
def detail(kind: str, posting_id: int):
    try:
        posting = postings.get_visible(current_user, KINDS[kind], posting_id)
    except DomainError as error:
        return _fail(error)
    show_suggestions = permissions.can_see_suggestions(current_user, posting) and posting.is_public
    return render_template(
        "postings/detail.html",
        posting=posting,
        kind_url=kind,
        contact=contacts.of_posting(current_user, posting),
        deal_count=deals.count_for(posting),
        can_edit=permissions.can_edit(current_user, posting),
        can_renew=permissions.is_owner(current_user, posting)
        and posting.status == "archived"
        and posting.merged_into_id is None,
        can_review=permissions.can_review(current_user, posting),
        review_form=ReviewForm(),
        suggestion_rows=suggestions.for_posting(current_user, posting) if show_suggestions else None,
        my_counterparts=_my_counterparts(posting),
        can_pair=not permissions.is_owner(current_user, posting)
        and permissions.can_post(current_user, "need" if posting.kind == "achievement" else "achievement")
        and not permissions.is_admin(current_user),
        interests=_interests_on(posting),
    )


def _my_counterparts(posting):
    """My organization's published postings that could pair with this one (for "express interest")."""
    if not current_user.is_authenticated or not posting.is_public or permissions.is_owner(current_user, posting):
        return []
    other = postings.MODELS["need" if posting.kind == "achievement" else "achievement"]
    return list(
        db.session.scalars(
            select(other)
            .where(other.organization_id == current_user.organization_id, other.status == "published")
            .order_by(other.published_at.desc())
        )
    )


def _interests_on(posting):
    """Interests on this posting that the reader's organization takes part in (admins: all)."""
    if not current_user.is_authenticated:
        return []
    column = Interest.posting_column(posting.kind)
    stmt = select(Interest).where(column == posting.id).order_by(Interest.id.desc())
    if not permissions.is_admin(current_user):
        org = current_user.organization_id
        stmt = stmt.where(or_(Interest.initiator_org_id == org, Interest.recipient_org_id == org))
    return list(db.session.scalars(stmt))


@bp.route(f"/{KIND_URL}/new", methods=["GET", "POST"])
@login_required
def create(kind: str):
    singular = KINDS[kind]
    if not permissions.can_post(current_user, singular):
        abort(403)
    form = FORMS[singular]()
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_phone.data = current_user.phone
        form.contact_email.data = current_user.email
    if form.validate_on_submit():
        if (page := _ask_if_duplicate(form, singular, kind, None)) is not None:
            return page
        try:
            posting = postings.create(current_user, singular, form.to_data(), submit=form.wants_submit)
        except InvalidInput as error:
            form.show(error)
        except DomainError as error:
            if (page := _fail(error)) is not None:
                return page
        else:
            flash(_("Submitted for review.") if form.wants_submit else _("Draft saved."), "success")
            return redirect(url_for("postings.detail", kind=kind, posting_id=posting.id), 303)
    elif form.is_submitted():
        form.show_the_rest()
    status = 400 if request.method == "POST" else 200
    return render_template("postings/form.html", form=form, kind=singular, kind_url=kind, posting=None), status


def _ask_if_duplicate(form, singular: str, kind: str, posting):
    """Before a submission goes to review: if it reads like a published posting, the form comes back
    asking whether it is the same one (submitting again, with the box ticked, goes ahead)."""
    if not form.wants_submit or request.form.get("not_duplicate"):
        return None
    try:
        inputs.load(singular, form.to_data(), complete=True)
    except InvalidInput:
        return None  # what is wrong with the input is said first (the service refuses it)
    similar = curation.duplicates_before_submit(current_user, singular, form.to_data(), posting)
    if not similar:
        return None
    return render_template(
        "postings/form.html", form=form, kind=singular, kind_url=kind, posting=posting, similar=similar
    )


@bp.route(f"/{KIND_URL}/<int:posting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(kind: str, posting_id: int):
    singular = KINDS[kind]
    try:
        posting = postings.get_editable(current_user, singular, posting_id)
    except DomainError as error:
        return _fail(error)
    form = FORMS[singular](obj=posting)
    if form.validate_on_submit():
        if (page := _ask_if_duplicate(form, singular, kind, posting)) is not None:
            return page
        was_public = posting.is_public
        try:
            postings.update(current_user, posting, form.to_data(), submit=form.wants_submit)
        except InvalidInput as error:
            form.show(error)
        except DomainError as error:
            if (page := _fail(error)) is not None:
                return page
        else:
            if was_public:
                flash(_("Saved. The edited posting goes back to review before it is public again."), "info")
            else:
                flash(
                    _("Submitted for review.") if posting.status == "pending" and form.wants_submit else _("Saved."),
                    "success",
                )
            return redirect(url_for("postings.detail", kind=kind, posting_id=posting.id), 303)
    elif form.is_submitted():
        form.show_the_rest()
    status = 400 if request.method == "POST" else 200
    return render_template("postings/form.html", form=form, kind=singular, kind_url=kind, posting=posting), status


@bp.route(f"/{KIND_URL}/<int:posting_id>/<any(submit, withdraw, delete, renew, close):action>", methods=["POST"])
@login_required
def change_status(kind: str, posting_id: int, action: str):
    singular = KINDS[kind]
    try:
        posting = postings.get_visible(current_user, singular, posting_id)
        if action == "submit":
            postings.submit(current_user, posting)
            flash(_("Submitted for review."), "success")
        elif action == "withdraw":
            postings.withdraw(current_user, posting)
            flash(_("Withdrawn: the posting is a draft again and no longer public."), "success")
        elif action == "close":
            postings.close_after_deal(current_user, posting)
            flash(
                _("Marked as transferred: it leaves the pool and its page stays public.")
                if singular == "achievement"
                else _("Marked as fulfilled: it leaves the pool and its page stays public."),
                "success",
            )
        elif action == "renew":
            lifecycle.renew(current_user, posting)
            flash(
                _("Renewed: the posting stays in the pool.")
                if posting.is_public
                else _("Renewed: the posting goes back to review."),
                "success",
            )
        else:
            postings.delete_draft(current_user, posting)
            flash(_("Draft deleted."), "success")
            return redirect(url_for("postings.mine"), 303)
    except DomainError as error:
        if (page := _fail(error)) is not None:
            return page
    return redirect(url_for("postings.detail", kind=kind, posting_id=posting_id), 303)


@bp.route("/me/postings")
@login_required
def mine():
    org_id = current_user.organization_id
    items = {
        kind: list(
            db.session.scalars(select(model).where(model.organization_id == org_id).order_by(model.updated_at.desc()))
        )
        for kind, model in postings.MODELS.items()
    }
    return render_template(
        "postings/mine.html",
        items=items,
        can_post={kind: permissions.can_post(current_user, kind) for kind in postings.MODELS},
    )
