"""The API's pages for people: the token page (/me/tokens: list, create (shown once), revoke; login and
CSRF as everywhere) and the reference page (/api/v1/docs).

A new token is shown in the answer to the form, never in a flash message or a redirect: those
travel in the session cookie, and the token must not.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from matchmaker.api import docs
from matchmaker.forms import BaseForm
from matchmaker.models.base import utcnow
from matchmaker.services import tokens
from matchmaker.services.errors import DomainError

ui_bp = Blueprint("api_tokens", __name__)
LIFETIMES = (7, 30, 90, 365)


class TokenForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    days = SelectField(_l("Valid for"), choices=[(str(d), str(d)) for d in LIFETIMES], default="30")


def _page(form: TokenForm, created=None, status: int = 200):
    rows = tokens.for_user(current_user)
    response = make_response(
        render_template(
            "api/tokens.html",
            form=form,
            rows=rows,
            created=created,
            now=utcnow(),
            lifetimes=LIFETIMES,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# The API's reference page for people, rendered from the OpenAPI document (not itself an operation of it).
ui_bp.add_url_rule("/api/v1/docs", view_func=docs.reference_page)


@ui_bp.route("/me/tokens", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400 if request.method == "POST" else 200)
    try:
        token, raw = tokens.issue(current_user, form.name.data, int(form.days.data))
    except DomainError as error:
        flash(str(error), "error")
        return _page(form, status=error.status)
    return _page(TokenForm(formdata=None), created={"token": token, "raw": raw})


@ui_bp.route("/me/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    try:
        token = tokens.revoke(current_user, token_id)
    except DomainError as error:
        abort(error.status)
    flash(
        _("Token “%(name)s” revoked: it no longer works.", name=token.name),
        "success",
    )
    return redirect(url_for("api_tokens.index"), 303)
