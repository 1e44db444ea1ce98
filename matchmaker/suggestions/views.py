"""My suggestions across all my postings, and the relevant / not relevant feedback."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from matchmaker.auth.views import safe_next
from matchmaker.forms import BaseForm, error_text
from matchmaker.services import suggestions
from matchmaker.services.errors import DomainError
from matchmaker.templating import choices

bp = Blueprint("suggestions", __name__)


class FeedbackForm(BaseForm):
    need_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    achievement_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    verdict = RadioField(choices=[("relevant", ""), ("irrelevant", "")], validators=[InputRequired()])
    reason = SelectField(validators=[Optional()])
    note = TextAreaField(validators=[Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", "")] + choices("feedback_reason")


@bp.route("/me/suggestions")
@login_required
def mine():
    return render_template("suggestions/mine.html", rows=suggestions.mine(current_user))


@bp.route("/suggestions/feedback", methods=["POST"])
@login_required
def feedback():
    form = FeedbackForm()
    back = safe_next(request.form.get("next"), url_for("suggestions.mine"))
    if not form.validate():
        flash(error_text(form), "error")
        return redirect(back, 303)
    try:
        suggestions.give_feedback(
            current_user,
            form.need_id.data,
            form.achievement_id.data,
            form.verdict.data == "relevant",
            form.reason.data or "",
            form.note.data or "",
        )
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(str(error), "error")
        return redirect(back, 303)
    flash(
        _("Thank you: the feedback improves the suggestions.")
        if form.verdict.data == "relevant"
        else _("Dismissed: this suggestion will not be shown to you again."),
        "success",
    )
    return redirect(back, 303)
