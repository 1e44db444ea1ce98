"""Register (and confirm the e-mail), log in, log out, reset a forgotten password. Views parse the form
and call a service."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker.auth.forms import ConfirmForm, ForgotForm, LoginForm, RegisterForm, ResetForm
from matchmaker.auth.limits import login_limits, remember_device
from matchmaker.auth.login import clear_session
from matchmaker.extensions import limiter
from matchmaker.services import accounts, password_reset, registration
from matchmaker.services.errors import DomainError

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths: ``//evil.example`` and absolute URLs are open redirects."""
    if not target:
        return default
    if len(target) > 2000 or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default  # CR/LF would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _start_session(user, remember: bool = False) -> None:
    clear_session()  # no pre-login state survives: prevents session fixation
    login_user(user, remember=remember)
    session["since"] = session["seen"] = int(time.time())


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, form.remember.data)
            flash(_("Welcome back, %(name)s.", name=user.name), "success")
            return remember_device(redirect(safe_next(request.args.get("next"), landing_page(user))), user.email)
        flash(_("The e-mail or password is not correct."), "error")
    return render_template("auth/login.html", form=form), 200 if request.method == "GET" or form.errors == {} else 400


def landing_page(user) -> str:
    """Where a person starts: admins at the review queue, people without an organization at its page."""
    if user.is_admin:
        return url_for("admin.review_queue")
    if user.organization_id is None:
        return url_for("members.index")
    return url_for("postings.mine")


def _register_mail_key() -> str:
    """The e-mail a registration is for: one inbox receives at most REGISTER_MAIL_LIMIT mails an hour."""
    return "register:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_auth_limit, methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTER_MAIL_LIMIT"], key_func=_register_mail_key, methods=["POST"])
def register():
    """Every well-formed registration answers "check your e-mail", whether or not the address has an
    account (``services.registration``)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        new_org = None
        if form.org_mode.data == "new":
            new_org = registration.NewOrganization(
                name=form.org_name.data,
                kind=form.org_kind.data,
                region=form.org_region.data,
                city=form.org_city.data,
                credit_code=form.org_credit_code.data,
                profile=form.org_profile.data or "",
            )
        data = registration.Registration(
            name=form.name.data,
            email=form.email.data,
            phone=form.phone.data,
            password=form.password.data,
            organization=new_org,
            existing_credit_code=form.existing_credit_code.data or None,
        )
        try:
            registration.register(data)
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(
                _(
                    "We have sent a link to %(email)s. Open it within 3 days to confirm your address and activate "
                    "your account.",
                    email=accounts.normalize_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("auth.login"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(_auth_limit, methods=["POST"])
def confirm_email(token: str):
    """The mailed link opens a page with one button; the POST creates the account and logs the person in.

    A GET changes nothing: mail scanners that open links must not consume the link nor create the
    account in their own session. The page is no-store and sends no Referer (``security``).
    """
    if request.method == "GET":
        return render_template("auth/confirm.html", form=ConfirmForm())
    form = ConfirmForm()
    if not form.validate():
        return render_template("auth/confirm.html", form=form), 400
    try:
        user = registration.confirm(token)
    except DomainError as error:
        return render_template(
            "errors/error.html", code=400, title=_("Link not valid"), message=str(error), back=None
        ), 400
    _start_session(user)
    if user.organization_id is None:
        flash(
            _("Your e-mail is confirmed. Your request to join the organization is waiting for a member's approval."),
            "success",
        )
    else:
        flash(
            _(
                "Your e-mail is confirmed and your account is ready. An administrator will verify your organization "
                "before its first posting is published."
            ),
            "success",
        )
    return redirect(landing_page(user), 303)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    clear_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


def _reset_mail_key() -> str:
    """The e-mail a reset is asked for: caps the mails one inbox receives, whatever the client address."""
    return "reset:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_auth_limit, methods=["POST"])
@limiter.limit(lambda: current_app.config["RESET_MAIL_LIMIT"], key_func=_reset_mail_key, methods=["POST"])
def forgot_password():
    """One answer whatever the e-mail: whether it has an account is not revealed."""
    form = ForgotForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data)
        flash(
            _(
                "If an account with this e-mail exists, we have sent it a link to set a new password. "
                "The link works for %(minutes)d minutes.",
                minutes=password_reset.max_age_minutes(),
            ),
            "info",
        )
        return redirect(url_for("auth.login"), 303)
    return render_template("auth/forgot.html", form=form), 400 if request.method == "POST" else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_auth_limit, methods=["POST"])
def reset_password(token: str):
    """The page behind the mailed link (no-store, no Referer: see matchmaker.security)."""
    try:
        password_reset.user_for(token)
    except DomainError as error:
        return render_template("auth/reset.html", form=None, problem=str(error)), error.status
    form = ResetForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data)
        except password_reset.InvalidLink as error:
            return render_template("auth/reset.html", form=None, problem=str(error)), error.status
        except DomainError as error:
            form.password.errors = list(form.password.errors) + [str(error)]
        else:
            logout_user()  # whoever was logged in on this browser: the new password starts afresh
            clear_session()
            flash(
                _("Your new password is set and every session of the account has ended. Log in with the new password."),
                "success",
            )
            return redirect(url_for("auth.login"), 303)
    return render_template("auth/reset.html", form=form, problem=None), 400 if request.method == "POST" else 200
