"""The audit trail of admin actions: one append-only row per action, in the action's transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Organization, User

ACTIONS = (
    "publish",
    "reject",
    "request_revision",
    "unpublish",
    "edit",
    "merge",
    "not_duplicate",
    "archive",
    "verify",
    "suspend",
    "unsuspend",
    "activate",
    "deactivate",
    "role_change",
    "curate_pair",
    "contact_reveal",
    "import",
    "end_sessions",
    "purge",
    "anonymise",
    "organization_register",
    "join_request",
    "join_approve",
    "join_refuse",
    "join_cancel",
    "member_remove",
    "challenge_create",
    "challenge_edit",
    "challenge_confirm",
    "challenge_submit",
    "challenge_return",
    "challenge_publish",
    "challenge_evaluate",
    "challenge_close",
    "challenge_award",
    "expert_appoint",
    "proposal_submit",
    "proposal_edit",
    "proposal_withdraw",
    "proposal_score",
    "milestone_deliver",
    "milestone_accept",
)
TARGET_TYPES = ("achievement", "need", "organization", "user", "interest", "file", "challenge", "proposal", "milestone")


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def snapshot(obj, fields: tuple[str, ...]) -> dict:
    """The named attributes of ``obj`` as JSON-safe values (for before → after)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    actor: User | None, action: str, target, before: dict | None = None, after: dict | None = None, reason: str = ""
) -> AuditLog:
    """Add an audit row to the current transaction (the caller commits, so both land or neither)."""
    entry = AuditLog(
        actor_id=actor.id if actor else None,
        actor_label=f"user#{actor.id}" if actor else "system",
        action=action,
        target_type=_target_type(target),
        target_id=getattr(target, "id", None),
        before=before or {},
        after=after or {},
        reason=reason or "",
    )
    db.session.add(entry)
    return entry


def _target_type(target) -> str:
    """ "achievement" or "need" for a posting (or an import batch of them); else the model's name
    ("organization", "user", "interest") — an organization's ``kind`` (firm, university) is not one."""
    if isinstance(target, Organization):
        return "organization"
    return getattr(target, "kind", None) or type(target).__name__.lower()


def contact_reveal(admin: User, target, what: str) -> None:
    """An admin saw personal contact details they are not a party to: keep a trace (PIPL)."""
    record(admin, "contact_reveal", target, {}, {"shown": what})
    db.session.commit()


def listen() -> None:
    """Refuse ORM updates and deletes of audit rows (the database refuses them too: migration 0006).

    Process-wide like every SQLAlchemy listener, attached once however many apps ``create_app`` builds.
    """
    from sqlalchemy import event

    from matchmaker.models.curation import append_only

    for name in ("before_update", "before_delete"):
        if not event.contains(AuditLog, name, append_only):
            event.listen(AuditLog, name, append_only)
