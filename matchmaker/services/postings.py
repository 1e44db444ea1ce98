"""Posting use cases: create, edit, submit, withdraw, and the admin's publish/reject/revise.

Status flow: draft → pending → published | rejected | needs_revision; an edit of a published
posting sends it back to pending. Only whitelisted fields are copied from input, so a client
cannot set ``status``, ``organization_id`` or ``id``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker import permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Posting, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import posting_path
from matchmaker.services.notify import notify, org_members

MODELS: dict[str, type[Posting]] = {"achievement": Achievement, "need": Need}

COMMON_FIELDS = ("title", "field", "keywords", "modes", "contact_name", "contact_phone", "contact_email")
FIELDS = {
    "achievement": COMMON_FIELDS + (
        "summary", "description", "advantages", "applications", "trl", "ip_type", "patent_numbers",
        "price_min", "price_max",
    ),
    "need": COMMON_FIELDS + ("problem", "key_points", "goals", "min_trl", "budget_min", "budget_max", "deadline"),
}

SUBMITTABLE = frozenset({"draft", "needs_revision", "rejected"})
WITHDRAWABLE = frozenset({"pending", "needs_revision", "published"})


def get_visible(user: User | None, kind: str, posting_id: int) -> Posting:
    """The posting if this user may see it; otherwise NotFound (existence is not revealed)."""
    posting = db.session.get(MODELS[kind], posting_id)
    if posting is None or not permissions.can_view(user, posting):
        raise NotFound(_("Posting not found."))
    return posting


def get_editable(user: User, kind: str, posting_id: int) -> Posting:
    posting = get_visible(user, kind, posting_id)
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot edit this posting."))
    return posting


def _apply(posting: Posting, kind: str, data: dict[str, Any]) -> None:
    for name in FIELDS[kind]:
        if name in data:
            setattr(posting, name, data[name])


def _to_pending(posting: Posting) -> None:
    posting.status = "pending"
    posting.submitted_at = utcnow()
    posting.review_note = ""


def create(user: User, kind: str, data: dict[str, Any], submit: bool) -> Posting:
    ensure_can_post(user, kind)
    posting = MODELS[kind](organization_id=user.organization_id, created_by_id=user.id, status="draft")
    _apply(posting, kind, data)
    if submit:
        _to_pending(posting)
    db.session.add(posting)
    db.session.commit()
    return posting


def update(user: User, posting: Posting, data: dict[str, Any], submit: bool) -> Posting:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot edit this posting."))
    if permissions.is_admin(user) and not permissions.is_owner(user, posting):
        fields = tuple(n for n in FIELDS[posting.kind] if n in data and data[n] != getattr(posting, n))
        before = audit.snapshot(posting, fields)
        _apply(posting, posting.kind, data)
        audit.record(user, "edit", posting, before, audit.snapshot(posting, fields))
    _apply(posting, posting.kind, data)
    if posting.status == "published" or (submit and posting.status in SUBMITTABLE):
        _to_pending(posting)
    db.session.commit()
    return posting


def submit(user: User, posting: Posting) -> Posting:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot submit this posting."))
    if posting.status not in SUBMITTABLE:
        raise Conflict(_("Only drafts and postings sent back for revision can be submitted."))
    _to_pending(posting)
    db.session.commit()
    return posting


def withdraw(user: User, posting: Posting) -> Posting:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot withdraw this posting."))
    if posting.status not in WITHDRAWABLE:
        raise Conflict(_("This posting is not under review or published."))
    posting.status = "draft"
    db.session.commit()
    return posting


def delete_draft(user: User, posting: Posting) -> None:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot delete this posting."))
    if posting.status != "draft":
        raise Conflict(_("Only drafts can be deleted; withdraw the posting first."))
    db.session.delete(posting)
    db.session.commit()


def _review(admin: User, posting: Posting, allowed: frozenset[str]) -> None:
    if not permissions.is_admin(admin):
        raise Forbidden(_("Only administrators review postings."))
    if not permissions.can_review(admin, posting):
        raise Forbidden(_("You cannot review a posting of your own organization."))
    if posting.status not in allowed:
        raise Conflict(_("This posting is not waiting for review."))


def publish(admin: User, posting: Posting) -> Posting:
    """Publish (one commit), then tell both sides of strong suggestions and matching saved searches."""
    from matchmaker.services import searches, suggestions

    _review(admin, posting, frozenset({"pending"}))
    audit.record(admin, "publish", posting, {"status": posting.status}, {"status": "published"})
    posting.status = "published"
    posting.published_at = utcnow()
    posting.review_note = ""
    notify(org_members(posting.organization_id), "posting_published", {"title": posting.title}, posting_path(posting))
    db.session.commit()
    # Follow-ups read the pool as it now is (the posting is in the index); a failure here leaves
    # the publication standing and only loses these alerts.
    suggestions.announce_strong(posting)
    searches.announce(posting)
    db.session.commit()
    return posting


def reject(admin: User, posting: Posting, reason: str, revise: bool = False) -> Posting:
    """Reject (final) or, with ``revise``, send back for revision; the poster sees ``reason``."""
    _review(admin, posting, frozenset({"pending"}))
    if not reason.strip():
        raise DomainError(_("Give a reason the poster can act on."))
    audit.record(admin, "request_revision" if revise else "reject", posting, {"status": posting.status},
                 {"status": "needs_revision" if revise else "rejected"}, reason.strip())
    posting.status = "needs_revision" if revise else "rejected"
    posting.review_note = reason.strip()
    notify(org_members(posting.organization_id), "posting_rejected",
           {"title": posting.title, "reason": posting.review_note}, posting_path(posting))
    db.session.commit()
    return posting


def unpublish(admin: User, posting: Posting, reason: str) -> Posting:
    _review(admin, posting, frozenset({"published"}))
    audit.record(admin, "unpublish", posting, {"status": "published"}, {"status": "pending"}, reason.strip())
    _to_pending(posting)
    posting.review_note = reason.strip()
    db.session.commit()
    return posting


def review_queue() -> dict[str, list[Posting]]:
    """Postings waiting for review, per kind, the longest waiting first (the admin queue, page and API)."""
    return {
        kind: list(db.session.scalars(select(model).where(model.status == "pending").order_by(model.submitted_at, model.id)))
        for kind, model in MODELS.items()
    }


def ensure_can_post(user: User, kind: str) -> None:
    """Forbidden unless ``user`` may post ``kind`` (as ``create`` checks), before any input is read."""
    if not permissions.can_post(user, kind):
        raise Forbidden(
            _("Only universities, institutes and service agencies post achievements.")
            if kind == "achievement"
            else _("Only firms post technology needs.")
        )
