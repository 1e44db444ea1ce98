"""The minimal review queue: admins publish, reject or send back submitted postings."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from matchmaker import permissions
from matchmaker.admin.forms import ReviewForm
from matchmaker.auth.views import safe_next
from matchmaker.extensions import db
from matchmaker.services import postings
from matchmaker.services.errors import DomainError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not permissions.is_admin(current_user):
        abort(403)


@bp.route("/review")
def review_queue():
    queue = {
        kind: list(db.session.scalars(select(model).where(model.status == "pending").order_by(model.submitted_at)))
        for kind, model in postings.MODELS.items()
    }
    return render_template("admin/review.html", queue=queue, form=ReviewForm())


@bp.route("/<any(achievement, need):kind>/<int:posting_id>/review", methods=["POST"])
def review(kind: str, posting_id: int):
    posting = postings.get_visible(current_user, kind, posting_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("admin.review_queue")), 303
    try:
        if form.decision.data == "publish":
            postings.publish(current_user, posting)
            flash(_("Published: %(title)s", title=posting.title), "success")
        elif form.decision.data == "unpublish":
            postings.unpublish(current_user, posting, form.reason.data)
            flash(_("Taken back into review: %(title)s", title=posting.title), "success")
        else:
            postings.reject(current_user, posting, form.reason.data, revise=form.decision.data == "revise")
            flash(_("Sent back to the poster: %(title)s", title=posting.title), "success")
    except DomainError as error:
        flash(str(error), "error")
        if error.status == 403:
            abort(403)
    return redirect(safe_next(request.form.get("next"), url_for("admin.review_queue")), 303)
