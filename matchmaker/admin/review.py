"""The review queue: checklist, possible duplicates, decisions; and the duplicate comparison."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from matchmaker.admin import bp
from matchmaker.admin import compare as comparison
from matchmaker.admin.forms import MergeForm, ReasonForm, ReviewForm
from matchmaker.auth.views import safe_next
from matchmaker.errors import refusal
from matchmaker.extensions import db
from matchmaker.forms import error_text
from matchmaker.services import curation, postings
from matchmaker.services.errors import DomainError

KIND = "<any(achievement, need):kind>"


PER_PAGE = 10  # per kind: each posting on the page is checked for near-duplicates


@bp.route("/review")
def review_queue():
    pages, queue = {}, {}
    for kind, model in postings.MODELS.items():
        param = f"{kind}_page"
        raw = request.args.get(param, "1")
        if len(request.args.getlist(param)) > 1 or not raw.isdigit() or not 1 <= int(raw) <= 100000:
            abort(400)
        stmt = select(model).where(model.status == "pending").order_by(model.submitted_at, model.id)  # oldest first
        pages[kind] = db.paginate(stmt, page=int(raw), per_page=PER_PAGE, error_out=False)
        queue[kind] = [(p, curation.checklist(p), curation.possible_duplicates(p)) for p in pages[kind].items]
    return render_template("admin/review.html", queue=queue, pages=pages, form=ReviewForm())


@bp.route(f"/{KIND}/<int:posting_id>/review", methods=["POST"])
def review(kind: str, posting_id: int):
    try:
        posting = curation.find_posting(kind, posting_id)
    except DomainError:
        abort(404)
    form = ReviewForm()
    back = safe_next(request.form.get("next"), url_for("admin.review_queue"))
    if not form.validate_on_submit():
        flash(error_text(form), "error")
        return redirect(back, 303)
    try:
        if form.decision.data == "publish":
            postings.publish(current_user, posting, form.reason.data or "", version=form.version_seen)
            flash(_("Published: %(title)s", title=posting.title), "success")
        elif form.decision.data == "unpublish":
            postings.unpublish(current_user, posting, form.reason.data)
            flash(_("Taken back into review: %(title)s", title=posting.title), "success")
        else:
            postings.reject(current_user, posting, form.reason.data, revise=form.decision.data == "revise")
            flash(_("Sent back to the poster: %(title)s", title=posting.title), "success")
    except DomainError as error:
        if (page := refusal(error)) is not None:
            return page
        flash(str(error), "error")
    return redirect(back, 303)


@bp.route(f"/duplicates/{KIND}/<int:posting_id>/<int:other_id>")
def compare(kind: str, posting_id: int, other_id: int):
    if posting_id == other_id:  # a posting is no duplicate of itself: nothing to compare or merge
        abort(404)
    try:
        first, second = curation.find_posting(kind, posting_id), curation.find_posting(kind, other_id)
    except DomainError:
        abort(404)
    return render_template(
        "admin/compare.html",
        first=first,
        second=second,
        kind=kind,
        rows=comparison.rows(first, second),
        same_org=first.organization_id == second.organization_id,
        merge_form=MergeForm(),
        reason_form=ReasonForm(),
    )


@bp.route(f"/duplicates/{KIND}/<int:posting_id>/<int:other_id>/<any(merge, distinct):action>", methods=["POST"])
def resolve_duplicate(kind: str, posting_id: int, other_id: int, action: str):
    try:
        first, second = curation.find_posting(kind, posting_id), curation.find_posting(kind, other_id)
    except DomainError:
        abort(404)
    try:
        if action == "distinct":
            curation.mark_not_duplicate(current_user, first, second)
            flash(_("Marked as not a duplicate."), "success")
        else:
            form = MergeForm()
            if not form.validate() or form.keep.data not in (first.id, second.id):
                flash(error_text(form) or _("Choose the posting to keep."), "error")
                return redirect(url_for("admin.compare", kind=kind, posting_id=posting_id, other_id=other_id), 303)
            keep, drop = (first, second) if form.keep.data == first.id else (second, first)
            moved = curation.merge(current_user, keep, drop, form.reason.data or "")
            flash(_("Merged: the other posting is archived and %(num)d interests moved.", num=moved), "success")
    except DomainError as error:
        if (page := refusal(error)) is not None:
            return page
        flash(str(error), "error")
    return redirect(url_for("admin.review_queue"), 303)
