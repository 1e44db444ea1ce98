"""The audit log page: every admin action, filterable by action, target, actor and dates."""

from __future__ import annotations

from datetime import datetime, time

from flask import render_template, request
from sqlalchemy import select

from matchmaker.admin import bp
from matchmaker.admin.forms import AuditFilterForm
from matchmaker.extensions import db
from matchmaker.models import AuditLog, User
from matchmaker.paging import paginate
from matchmaker.services import audit


@bp.route("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "—")] + [(a, a) for a in audit.ACTIONS]
    form.target_type.choices = [("", "—")] + [(t, t) for t in audit.TARGET_TYPES]
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    if request.args and not form.validate():
        return render_template("admin/audit.html", form=form, page=None), 400
    if form.action.data:
        stmt = stmt.where(AuditLog.action == form.action.data)
    if form.target_type.data:
        stmt = stmt.where(AuditLog.target_type == form.target_type.data)
    if form.actor.data:
        stmt = stmt.join(User, User.id == AuditLog.actor_id).where(User.email == form.actor.data.strip().lower())
    if form.since.data:
        stmt = stmt.where(AuditLog.created_at >= datetime.combine(form.since.data, time.min))
    if form.until.data:
        stmt = stmt.where(AuditLog.created_at <= datetime.combine(form.until.data, time.max))
    page = paginate(stmt, per_page=50)
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({e.actor_id for e in page.items if e.actor_id})))}
    return render_template("admin/audit.html", form=form, page=page, actors=actors)
