"""Organizations and users: verify, suspend, deactivate, end sessions, grant or revoke admin."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from matchmaker.admin import bp
from matchmaker.admin.forms import ReasonForm, RoleForm
from matchmaker.auth.views import safe_next
from matchmaker.errors import render_error
from matchmaker.extensions import db
from matchmaker.forms import error_text
from matchmaker.models import Organization, User
from matchmaker.paging import paginate
from matchmaker.services import admin_accounts, memberships
from matchmaker.services.errors import DomainError


def _search(stmt, *columns):
    q = (request.args.get("q") or "").strip()[:100]
    if q:
        stmt = stmt.where(or_(*(c.contains(q, autoescape=True) for c in columns)))
    return stmt, q


def _done(error: DomainError | None, target: str):
    """Back to the list (or the form's same-site ``next``), with the refusal as a message (a wrong
    step-up password is not a 403 page); a conflict (another admin acted first) is a 409 page."""
    if error is not None:
        if error.status == 409:
            return render_error(409, str(error))
        flash(str(error), "error")
    return redirect(safe_next(request.form.get("next"), url_for(target)), 303)


@bp.route("/organizations")
def organizations():
    stmt, q = _search(
        select(Organization).order_by(Organization.verified, Organization.name),
        Organization.name,
        Organization.credit_code,
    )
    page = paginate(stmt, per_page=50)
    return render_template(
        "admin/organizations.html", page=page, q=q, form=ReasonForm(), requests=memberships.pending()
    )


@bp.route("/organizations/<int:org_id>/<any(verify, suspend, unsuspend):action>", methods=["POST"])
def organization_action(org_id: int, action: str):
    org = db.session.get(Organization, org_id) or abort(404)
    form = ReasonForm()
    if not form.validate():
        abort(400)
    try:
        if action == "verify":
            admin_accounts.verify_organization(current_user, org, form.reason.data or "")
            flash(_("Verified: %(name)s", name=org.name), "success")
        else:
            admin_accounts.set_suspended(current_user, org, action == "suspend", form.reason.data or "")
            flash(_("Saved."), "success")
    except DomainError as error:
        return _done(error, "admin.organizations")
    return _done(None, "admin.organizations")


@bp.route("/users")
def users():
    stmt, q = _search(select(User).order_by(User.id), User.email, User.name)
    page = paginate(stmt, per_page=50)
    return render_template("admin/users.html", page=page, q=q, form=ReasonForm(), role_form=RoleForm())


@bp.route("/users/<int:user_id>/<any(activate, deactivate):action>", methods=["POST"])
def user_active(user_id: int, action: str):
    user = db.session.get(User, user_id) or abort(404)
    form = ReasonForm()
    if not form.validate():
        abort(400)
    try:
        admin_accounts.set_active(current_user, user, action == "activate", form.reason.data or "")
        flash(_("Saved."), "success")
    except DomainError as error:
        return _done(error, "admin.users")
    return _done(None, "admin.users")


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
def user_end_sessions(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = ReasonForm()
    if not form.validate():
        abort(400)
    try:
        admin_accounts.end_sessions(current_user, user, form.reason.data or "")
        flash(_("Sessions ended: %(name)s must log in again.", name=user.name), "success")
    except DomainError as error:
        return _done(error, "admin.users")
    return _done(None, "admin.users")


@bp.route("/users/<int:user_id>/role", methods=["POST"])
def user_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate():
        flash(error_text(form), "error")
        return redirect(url_for("admin.users"), 303)
    try:
        admin_accounts.set_role(current_user, user, form.role.data, form.password.data, form.reason.data or "")
        flash(_("Role changed: %(name)s", name=user.name), "success")
    except DomainError as error:
        return _done(error, "admin.users")
    return _done(None, "admin.users")
