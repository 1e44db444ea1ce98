"""My account: change password, download my data, delete my account (PIPL)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from matchmaker.forms import BaseForm
from matchmaker.services import accounts
from matchmaker.services.errors import DomainError

bp = Blueprint("account", __name__, url_prefix="/me/account")


class PasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=128)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    repeat = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))]
    )


class DeleteForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=128)])


@bp.before_request
@login_required
def _login() -> None:
    """Personal pages."""


@bp.route("", methods=["GET"])
def index():
    return render_template("account/index.html", password_form=PasswordForm(), delete_form=DeleteForm())


@bp.route("/password", methods=["POST"])
def change_password():
    form = PasswordForm()
    if form.validate():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except DomainError as error:
            form.new.errors = list(form.new.errors) + [str(error)]
        else:
            login_user(current_user._get_current_object())  # this session continues with the new token
            flash(_("Password changed. Other sessions have been logged out."), "success")
            return redirect(url_for("account.index"), 303)
    return render_template("account/index.html", password_form=form, delete_form=DeleteForm()), 400


@bp.route("/data.json")
def download():
    body = json.dumps(accounts.export_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": "attachment; filename=my-data.json"}
    )


@bp.route("/delete", methods=["POST"])
def delete():
    form = DeleteForm()
    if form.validate():
        try:
            accounts.delete_account(current_user._get_current_object(), form.password.data)
        except DomainError as error:
            form.password.errors = list(form.password.errors) + [str(error)]
        else:
            logout_user()
            flash(_("Your account has been deleted and your personal data removed."), "info")
            return redirect(url_for("main.home"), 303)
    return render_template("account/index.html", password_form=PasswordForm(), delete_form=form), 400
