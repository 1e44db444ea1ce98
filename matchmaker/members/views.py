"""My organization's page: members approve or refuse requests to join; a person without one asks to join.

Admins decide on any organization's requests from the same routes (the organizations page posts
here with ``next``); nobody else learns that a request exists (404).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.auth.views import safe_next
from matchmaker.errors import refusal
from matchmaker.extensions import db
from matchmaker.forms import BaseForm, error_text, valid_credit_code
from matchmaker.models import User
from matchmaker.services import memberships
from matchmaker.services.errors import DomainError, NotFound

bp = Blueprint("members", __name__, url_prefix="/me/organization")


class JoinForm(BaseForm):
    credit_code = StringField(
        _l("Credit code of the organization to join"), validators=[DataRequired(), valid_credit_code]
    )
    message = TextAreaField(
        _l("A word for its members (your department, your role)"),
        validators=[Optional(), Length(max=memberships.NOTE_LIMIT)],
    )


class NoteForm(BaseForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=memberships.NOTE_LIMIT)])


@bp.before_request
@login_required
def _login() -> None:
    """Personal pages."""


@bp.route("")
def index():
    org_id = current_user.organization_id
    return render_template(
        "members/index.html",
        members=memberships.members(org_id) if org_id else [],
        requests=memberships.pending(org_id) if org_id else [],
        latest=None if org_id else memberships.latest_of(current_user),
        join_form=JoinForm(),
        note_form=NoteForm(),
    )


def _back():
    return redirect(safe_next(request.form.get("next"), url_for("members.index")), 303)


def _run(action, done: str):
    try:
        action()
    except DomainError as error:
        if (page := refusal(error)) is not None:
            return page
        flash(str(error), "error")
    else:
        flash(done, "success")
    return _back()


@bp.route("/join", methods=["POST"])
def join():
    form = JoinForm()
    if not form.validate():
        flash(error_text(form), "error")
        return _back()
    return _run(
        lambda: memberships.ask_by_code(current_user, form.credit_code.data, form.message.data or ""),
        _("Your request was sent. The organization's members have been told; you will be notified of their answer."),
    )


@bp.route("/requests/<int:request_id>/<any(approve, refuse):decision>", methods=["POST"])
def decide(request_id: int, decision: str):
    form = NoteForm()
    if not form.validate():
        flash(error_text(form), "error")
        return _back()
    approve = decision == "approve"
    return _run(
        lambda: memberships.decide(current_user, request_id, approve, form.note.data or ""),
        _("Approved: the person is now a member.") if approve else _("Refused."),
    )


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
def cancel(request_id: int):
    return _run(lambda: memberships.cancel(current_user, request_id), _("Your request was cancelled."))


@bp.route("/members/<int:user_id>/remove", methods=["POST"])
def remove(user_id: int):
    form = NoteForm()
    if not form.validate():
        flash(error_text(form), "error")
        return _back()

    def run():
        member = db.session.get(User, user_id)
        if member is None:
            raise NotFound(_("Member not found."))
        memberships.remove(current_user, member, form.note.data or "")

    return _run(run, _("Removed: the person no longer belongs to the organization, and their sessions ended."))
