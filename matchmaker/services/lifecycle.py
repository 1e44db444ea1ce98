"""Postings age out: needs past their deadline and postings untouched for too long are archived.

``expire()`` first warns owners (a notification, ``expiry_notice_at``), and archives only
postings warned at least ``EXPIRY_GRACE_DAYS`` earlier, so nobody loses a posting unannounced.
It is idempotent: running it twice in a row changes nothing the second time (safe from cron).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from matchmaker import clock, permissions
from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Posting, User
from matchmaker.models.base import utcnow
from matchmaker.services import audit, transitions
from matchmaker.services.curation import close_interests_of
from matchmaker.services.errors import Conflict, DomainError, Forbidden
from matchmaker.services.links import posting_path
from matchmaker.services.notify import notify, org_members


@dataclass
class ExpiryReport:
    noticed: int = 0
    archived: int = 0


def _settings() -> tuple[int, int, int]:
    cfg = current_app.config
    return cfg["POSTING_MAX_AGE_DAYS"], cfg["EXPIRY_NOTICE_DAYS"], cfg["EXPIRY_GRACE_DAYS"]


def _expires_on(posting: Posting, max_age: int) -> date:
    by_age = clock.day_of(posting.updated_at + timedelta(days=max_age))
    if isinstance(posting, Need) and posting.deadline is not None:
        return min(by_age, posting.deadline + timedelta(days=1))
    return by_age


def expire(now: datetime | None = None) -> ExpiryReport:
    """Warn owners of postings about to expire, archive the warned ones that did; commit once."""
    now = now or utcnow()
    max_age, notice_days, grace_days = _settings()
    report = ExpiryReport()
    horizon = now + timedelta(days=notice_days)
    for model in (Achievement, Need):
        soon = model.updated_at < horizon - timedelta(days=max_age)
        if model is Need:
            soon = or_(soon, and_(Need.deadline.is_not(None), Need.deadline < clock.day_of(horizon)))
        for posting in list(db.session.scalars(select(model).where(model.status == "published", soon))):
            expires_on = _expires_on(posting, max_age)
            if posting.expiry_notice_at is None:
                # A notice is not an edit: set updated_at to itself so its onupdate does not fire.
                db.session.execute(
                    update(model)
                    .where(model.id == posting.id)
                    .values(expiry_notice_at=now, updated_at=model.updated_at)
                )
                notify(
                    org_members(posting.organization_id),
                    "posting_expiring",
                    {"title": posting.title, "date": expires_on.isoformat()},
                    posting_path(posting),
                    dedupe_key=f"expiring:{posting.id}:{expires_on.isoformat()}",
                )
                report.noticed += 1
            elif expires_on <= clock.day_of(now) and posting.expiry_notice_at <= now - timedelta(days=grace_days):
                _archive(posting, _("deadline passed or no update for a long time"))
                report.archived += 1
    db.session.commit()
    return report


def _archive(posting: Posting, reason: str) -> None:
    audit.record(None, "archive", posting, {"status": posting.status}, {"status": "archived"}, reason)
    posting.status = "archived"
    close_interests_of(posting)
    notify(
        org_members(posting.organization_id),
        "posting_archived",
        {"title": posting.title, "reason": reason},
        posting_path(posting),
    )


def renew(user: User, posting: Posting) -> Posting:
    """The owner confirms a posting is still current: resets its age, or sends an archived one to review."""
    if not permissions.is_owner(user, posting):
        raise Forbidden(_("Only the posting's organization can renew it."))
    if posting.merged_into_id is not None:
        raise Conflict(_("This posting was merged into another one as a duplicate: it cannot be renewed."))
    if isinstance(posting, Need) and posting.deadline is not None and posting.deadline < clock.today():
        raise DomainError(_("The deadline has passed: edit the posting and set a new deadline."))
    refusal = _("This posting was changed a moment ago: reload the page.")
    if posting.status == "published":
        # conditional on the version read: of two renewals at once, one renews and one is told
        transitions.advance(
            posting,
            {"status": "published", "updated_at": posting.updated_at},
            {"expiry_notice_at": None, "updated_at": utcnow()},
            refusal,
        )
    elif posting.status == "archived":
        transitions.advance(
            posting,
            {"status": "archived"},
            {"status": "pending", "submitted_at": utcnow(), "expiry_notice_at": None, "updated_at": utcnow()},
            refusal,
        )
    else:
        raise Conflict(_("Only published or archived postings can be renewed."))
    db.session.commit()
    return posting
