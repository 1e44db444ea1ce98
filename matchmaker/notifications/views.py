"""Notification centre, e-mail settings and saved searches."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import Length

from matchmaker import domain
from matchmaker.auth.views import safe_next
from matchmaker.extensions import db
from matchmaker.forms import BaseForm, MultiCheckboxField
from matchmaker.models import Notification
from matchmaker.paging import paginate
from matchmaker.postings.forms import FilterForm
from matchmaker.services import notify, searches
from matchmaker.services.errors import DomainError
from matchmaker.templating import choices

bp = Blueprint("notifications", __name__, url_prefix="/me")


class EmailSettingsForm(BaseForm):
    email_events = MultiCheckboxField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email_events.choices = choices("event")


class SaveSearchForm(BaseForm):
    name = StringField(validators=[Length(max=100)])


@bp.before_request
@login_required
def _login() -> None:
    """All of these pages are personal."""


@bp.route("/notifications")
def index():
    page = paginate(
        select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc()),
        per_page=30,
    )
    return render_template("notifications/index.html", page=page, render=notify.render)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
def open_one(notification_id: int):
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    notify.mark_read(current_user.id, notification_id)
    return redirect(safe_next(note.link, url_for("notifications.index")), 303)


@bp.route("/notifications/read-all", methods=["POST"])
def read_all():
    notify.mark_read(current_user.id)
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/settings/notifications", methods=["GET", "POST"])
def settings():
    form = EmailSettingsForm()
    if request.method == "GET":
        form.email_events.data = [e for e in domain.NOTIFICATION_EVENTS if e not in (current_user.email_opt_out or [])]
    if form.validate_on_submit():
        wanted = form.email_events.data or []  # no box ticked: every e-mail off
        current_user.email_opt_out = [e for e in domain.NOTIFICATION_EVENTS if e not in wanted]
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return render_template("notifications/settings.html", form=form, searches=searches.for_user(current_user))


@bp.route("/searches/<any(achievements, needs):kind>", methods=["POST"])
def save_search(kind: str):
    filters_form = FilterForm(request.args, kind=kind[:-1])
    form = SaveSearchForm()
    back = url_for("postings.browse_list", kind=kind, **FilterForm.params(request.args))
    if not (filters_form.validate() and form.validate()):
        flash(_("These filters cannot be saved: correct them first."), "error")
        return redirect(back, 303)
    try:
        searches.save(current_user, kind[:-1], form.name.data or "", filters_form.to_filters())
    except DomainError as error:
        flash(str(error), "error")
        return redirect(back, 303)
    flash(_("Search saved: you will be notified of new postings that match it."), "success")
    return redirect(back, 303)


@bp.route("/searches/<int:search_id>/delete", methods=["POST"])
def delete_search(search_id: int):
    try:
        searches.delete(current_user, search_id)
    except DomainError:
        abort(404)
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("notifications.settings"), 303)
