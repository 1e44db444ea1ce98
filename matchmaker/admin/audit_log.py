"""The audit log page: every admin action, filterable by action, target, actor and dates, said in words.

Rows keep codes and JSON (``before``/``after``); the page shows the action's name, the target as a
link, and each change as "field: before → after" in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from flask import render_template, request, url_for
from sqlalchemy import select

from matchmaker import domain
from matchmaker.admin import bp
from matchmaker.admin.forms import AuditFilterForm
from matchmaker.extensions import db
from matchmaker.i18n import current_lang
from matchmaker.models import AuditLog, Organization, User
from matchmaker.paging import paginate
from matchmaker.services import audit

STATUS_TABLES = (domain.ACHIEVEMENT_STATUSES, domain.NEED_STATUSES, domain.INTEREST_STATUSES)


@bp.route("/audit")
def audit_log():
    lang = current_lang()
    form = AuditFilterForm(request.args)
    form.action.choices = [("", "—")] + [(a, domain.label(domain.AUDIT_ACTIONS, a, lang)) for a in audit.ACTIONS]
    form.target_type.choices = [("", "—")] + [
        (t, domain.label(domain.AUDIT_TARGETS, t, lang)) for t in audit.TARGET_TYPES
    ]
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
    return render_template("admin/audit.html", form=form, page=page, rows=_rows(page.items, lang))


@dataclass
class Row:
    entry: AuditLog
    actor: str
    action: str
    target: str
    link: str | None
    changes: list[str] = field(default_factory=list)


def _rows(entries: list[AuditLog], lang: str) -> list[Row]:
    """The page's entries in words, with two queries for the names of their people and organizations."""
    user_ids = {e.actor_id for e in entries if e.actor_id} | {e.target_id for e in entries if e.target_type == "user"}
    org_ids = {e.target_id for e in entries if e.target_type == "organization"}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    orgs = (
        {o.id: o for o in db.session.scalars(select(Organization).where(Organization.id.in_(org_ids)))}
        if org_ids
        else {}
    )
    rows = []
    for e in entries:
        actor = (
            users[e.actor_id].email
            if e.actor_id in users
            else (domain.label({"system": ("系统（定时任务）", "system (scheduled job)")}, e.actor_label, lang))
        )
        target, link = _target(e, users, orgs, lang)
        keys = list(dict.fromkeys([*e.before, *e.after]))
        changes = [_change(k, e.before.get(k), e.after.get(k), lang) for k in keys]
        rows.append(Row(e, actor, domain.label(domain.AUDIT_ACTIONS, e.action, lang), target, link, changes))
    return rows


def _target(e: AuditLog, users: dict, orgs: dict, lang: str) -> tuple[str, str | None]:
    kind = domain.label(domain.AUDIT_TARGETS, e.target_type, lang)
    if e.target_id is None:
        return kind, None
    if e.target_type in ("achievement", "need"):
        return f"{kind} #{e.target_id}", url_for("postings.detail", kind=e.target_type + "s", posting_id=e.target_id)
    if e.target_type == "interest":
        return f"{kind} #{e.target_id}", url_for("interests.detail", interest_id=e.target_id)
    if e.target_type == "organization" and e.target_id in orgs:
        return f"{kind}：{orgs[e.target_id].name}", url_for("admin.organizations", q=orgs[e.target_id].credit_code)
    if e.target_type == "user" and e.target_id in users:
        return f"{kind}：{users[e.target_id].email}", url_for("admin.users", q=users[e.target_id].email)
    return f"{kind} #{e.target_id}", None


def _value(key: str, value, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if key == "status":
        for table in STATUS_TABLES:
            if value in table:
                return domain.label(table, value, lang)
    if key == "role":
        return domain.label(domain.ROLES, value, lang)
    if key in ("decision", "request") and value in (
        "recommended",
        "dismissed",
        "pending",
        "approved",
        "refused",
        "cancelled",
    ):
        return domain.label(domain.DECISIONS, value, lang)
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if lang == "zh" else ", ".join(str(v) for v in value)
    return str(value)


def _change(key: str, before, after, lang: str) -> str:
    name = domain.label(domain.AUDIT_FIELDS, key, lang)
    if before is None:
        return f"{name}: {_value(key, after, lang)}"
    return f"{name}: {_value(key, before, lang)} → {_value(key, after, lang)}"
