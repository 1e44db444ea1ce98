"""Posting use cases: create, edit, submit, withdraw, and the admin's publish/reject/revise.

Status flow: draft → pending → published | rejected | needs_revision; an edit of a published
posting sends it back to pending. Only whitelisted fields are copied from input, so a client
cannot set ``status``, ``organization_id`` or ``id``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete as sa_delete
from sqlalchemy import select

from matchmaker import permissions
from matchmaker.extensions import db
from matchmaker.models import Interest, Posting, User
from matchmaker.models.base import utcnow
from matchmaker.models.posting import POSTING_MODELS
from matchmaker.schemas import InvalidInput, load
from matchmaker.schemas import postings as inputs
from matchmaker.schemas.fields import REQUIRED
from matchmaker.schemas.review import RejectInput
from matchmaker.services import audit, transitions
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from matchmaker.services.links import posting_path
from matchmaker.services.notify import notify, org_members

MODELS = POSTING_MODELS
FIELDS = {kind: model.DATA_FIELDS for kind, model in MODELS.items()}  # what a poster writes, per kind

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


def _writable(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Only what a poster writes: ``status``, ``organization_id`` or ``id`` in the input are ignored."""
    return {name: value for name, value in data.items() if name in FIELDS[kind]}


def _changes(posting: Posting, data: dict[str, Any]) -> tuple[Posting, dict[str, Any]]:
    """A detached copy with ``data`` applied, and the columns it sets (for a conditional update)."""
    probe = MODELS[posting.kind]()
    _apply(probe, posting.kind, data)
    columns = ["modes_text" if name == "modes" else name for name in FIELDS[posting.kind] if name in data]
    return probe, {column: getattr(probe, column) for column in columns}


def missing(posting: Posting) -> list[str]:
    """The labels of what ``posting`` still lacks before review (empty when complete)."""
    kind = posting.kind
    return [str(inputs.label(kind, name)) for name in inputs.required(kind) if getattr(posting, name) in inputs.BLANK]


def _require_complete(posting: Posting) -> None:
    """InvalidInput naming each missing field (its form shows the message at the field), if any."""
    gaps = missing(posting)
    if gaps:
        kind = posting.kind
        fields = {name: str(REQUIRED) for name in inputs.required(kind) if getattr(posting, name) in inputs.BLANK}
        raise InvalidInput(
            fields, _("Complete these before submitting for review: %(fields)s.", fields="、".join(gaps))
        )


def _columns(posting: Posting) -> list[str]:
    return [c.key for c in type(posting).__table__.columns if c.key not in ("id",)]


def _pending_values() -> dict[str, Any]:
    return {"status": "pending", "submitted_at": utcnow(), "review_note": "", "updated_at": utcnow()}


CHANGED = _l(
    "This posting was changed a moment ago (reviewed, withdrawn or edited elsewhere). Reload the page and look again."
)


def create(user: User, kind: str, data: dict[str, Any], submit: bool) -> Posting:
    ensure_can_post(user, kind)
    data = inputs.load(kind, {"title": "", **_writable(kind, data)}, complete=submit)
    posting = MODELS[kind](organization_id=user.organization_id, created_by_id=user.id, status="draft")
    _apply(posting, kind, data)
    if submit:
        _require_complete(posting)
        posting.status, posting.submitted_at, posting.review_note = "pending", utcnow(), ""
    db.session.add(posting)
    db.session.commit()
    return posting


def update(user: User, posting: Posting, data: dict[str, Any], submit: bool) -> Posting:
    """Save an edit; a published posting (or a submitted one) goes to review again.

    Written as one update conditional on the status the editor saw: an edit that crosses an admin's
    publication never makes unreviewed text public; it is refused (409) and can be saved again.
    """
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot edit this posting."))
    stored = {name: getattr(posting, name) for name in FIELDS[posting.kind]}
    data = inputs.load(posting.kind, _writable(posting.kind, data), complete=False, current=stored)
    data = {name: value for name, value in data.items() if getattr(posting, name) != value}
    probe, values = _changes(posting, data)
    fields: tuple[str, ...] = ()
    if permissions.is_admin(user) and not permissions.is_owner(user, posting):
        fields = tuple(n for n in FIELDS[posting.kind] if n in data and data[n] != getattr(posting, n))
        before, after = audit.snapshot(posting, fields), audit.snapshot(probe, fields)
    if not values and not (submit and posting.status in SUBMITTABLE):
        return posting  # nothing changes: a published posting stays public
    if posting.status in ("published", "pending") or (submit and posting.status in SUBMITTABLE):
        merged = MODELS[posting.kind](**{**{c: getattr(posting, c) for c in _columns(posting)}, **values})
        _require_complete(merged)
        values.update(_pending_values())
    transitions.advance(posting, {"status": posting.status}, {"updated_at": utcnow(), **values}, str(CHANGED))
    if fields:
        audit.record(user, "edit", posting, before, after)
    db.session.commit()
    return posting


def submit(user: User, posting: Posting) -> Posting:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot submit this posting."))
    refusal = _("Only drafts and postings sent back for revision can be submitted.")
    if posting.status not in SUBMITTABLE:
        raise Conflict(refusal)
    _require_complete(posting)
    transitions.advance(posting, {"status": posting.status}, _pending_values(), refusal)
    db.session.commit()
    return posting


def withdraw(user: User, posting: Posting) -> Posting:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot withdraw this posting."))
    refusal = _("This posting is not under review or published.")
    if posting.status not in WITHDRAWABLE:
        raise Conflict(refusal)
    transitions.advance(posting, {"status": posting.status}, {"status": "draft", "updated_at": utcnow()}, refusal)
    db.session.commit()
    return posting


CLOSED = {"achievement": "transferred", "need": "fulfilled"}


def close_after_deal(user: User, posting: Posting) -> Posting:
    """The owner marks a published posting transferred (achievement) or fulfilled (need) once a deal
    was signed on it: it leaves the pool (no new interests) and its page stays public with a badge.
    The side that recorded the deal does this in the deal form; the other side does it here."""
    from matchmaker.services import deals

    if not permissions.is_owner(user, posting):
        raise Forbidden(_("Only the posting's organization can close it."))
    refusal = _("Only a published posting with a signed deal can be marked so.")
    if posting.status != "published" or not deals.count_for(posting):
        raise Conflict(refusal)
    transitions.advance(
        posting, {"status": "published"}, {"status": CLOSED[posting.kind], "updated_at": utcnow()}, refusal
    )
    db.session.commit()
    return posting


def delete_draft(user: User, posting: Posting) -> None:
    if not permissions.can_edit(user, posting):
        raise Forbidden(_("You cannot delete this posting."))
    refusal = _("Only drafts can be deleted; withdraw the posting first.")
    model = type(posting)
    column = Interest.posting_column(posting.kind)
    if db.session.scalar(select(Interest.id).where(column == posting.id).limit(1)) is not None:
        # Its interests are the other organization's record too (the consent to share contacts, a deal).
        raise Conflict(
            _(
                "This posting has expressions of interest on record, so it cannot be deleted; it stays "
                "a draft that only your organization sees."
            )
        )
    if (
        posting.status != "draft"
        or db.session.execute(
            sa_delete(model)
            .where(model.id == posting.id, model.status == "draft")
            .execution_options(synchronize_session=False)
        ).rowcount
        != 1
    ):
        db.session.rollback()
        raise Conflict(refusal)
    db.session.commit()


def _review(admin: User, posting: Posting, allowed: frozenset[str]) -> None:
    if not permissions.is_admin(admin):
        raise Forbidden(_("Only administrators review postings."))
    if not permissions.can_review(admin, posting):
        raise Forbidden(_("You cannot review a posting of your own organization."))
    if posting.status not in allowed:
        raise Conflict(_("This posting is not waiting for review."))


def publish(admin: User, posting: Posting, note: str = "", version: datetime | None = None) -> Posting:
    """Publish (one commit), then tell both sides of strong suggestions and matching saved searches.

    ``version``: the ``updated_at`` of the text the admin reviewed. If the owner changed the posting
    since, it is not published (409): what goes public is what was reviewed. The review page always
    sends it; the API takes it as ``?version=``.
    """
    from matchmaker.services import searches, suggestions

    _review(admin, posting, frozenset({"pending"}))
    _require_complete(posting)  # what goes public is complete (an older draft may not be)
    if not posting.organization.verified:
        raise DomainError(
            _(
                "%(org)s is not verified yet: check it on the organizations page and verify it before "
                "publishing its postings.",
                org=posting.organization.name,
            )
        )
    now = utcnow()
    expected = {"status": "pending"} if version is None else {"status": "pending", "updated_at": version}
    transitions.advance(
        posting,
        expected,
        {"status": "published", "published_at": now, "review_note": "", "updated_at": now},
        _(
            "This posting was changed since you opened it, or is no longer waiting for review: "
            "look at it again before publishing."
        ),
    )
    audit.record(admin, "publish", posting, {"status": "pending"}, {"status": "published"}, note.strip())
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
    reason = load(RejectInput(), {"reason": reason, "revise": revise})["reason"]
    status = "needs_revision" if revise else "rejected"
    transitions.advance(
        posting,
        {"status": "pending"},
        {"status": status, "review_note": reason.strip(), "updated_at": utcnow()},
        _("This posting is not waiting for review."),
    )
    audit.record(
        admin,
        "request_revision" if revise else "reject",
        posting,
        {"status": "pending"},
        {"status": status},
        reason.strip(),
    )
    notify(
        org_members(posting.organization_id),
        "posting_rejected",
        {"title": posting.title, "reason": posting.review_note},
        posting_path(posting),
    )
    db.session.commit()
    return posting


def unpublish(admin: User, posting: Posting, reason: str) -> Posting:
    _review(admin, posting, frozenset({"published"}))
    transitions.advance(
        posting,
        {"status": "published"},
        {**_pending_values(), "review_note": reason.strip()},
        _("This posting is not published."),
    )
    audit.record(admin, "unpublish", posting, {"status": "published"}, {"status": "pending"}, reason.strip())
    db.session.commit()
    return posting


def review_queue() -> dict[str, list[Posting]]:
    """Postings waiting for review, per kind, the longest waiting first (the admin queue, page and API)."""
    return {
        kind: list(
            db.session.scalars(select(model).where(model.status == "pending").order_by(model.submitted_at, model.id))
        )
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
