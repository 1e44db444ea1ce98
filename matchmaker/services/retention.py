"""Retention (PIPL art. 19): what the pool no longer needs is deleted, and stale accounts anonymised.

``purge()`` is ``flask pool purge``, run from cron like ``flask pool expire``:

* A posting **rejected or archived** more than ``RETENTION_MONTHS`` (24) ago is deleted. The clock
  is ``updated_at``, which the status change set (any later edit only restarts it), so nothing
  goes sooner than N months after it was rejected or archived. What exists only because of the
  posting goes with it: its interests with their messages and status history, suggestion
  feedback and curated pairs (foreign keys with ``ON DELETE CASCADE``), the duplicate verdicts
  naming it (no foreign key: SQLite may reuse the id) and the notifications linking to the
  posting or to those interests.
* A posting with a **deal** on any of its interests is kept, whole: a deal is the signed record
  both parties and the regional statistics rely on, and it is read through its interest and the
  two postings. Such postings are counted as kept.
* An account with **no login** for ``ACCOUNT_RETENTION_MONTHS`` (36; one that never logged in
  counts from its registration) is anonymised exactly as account deletion does
  (``accounts.anonymise``): the row stays, so messages, deals and the audit log keep their
  references. The last active administrator is never anonymised.
* A **registration nobody confirmed** (``Signup``) is deleted once its link has expired (3 days):
  its name, phone and password hash were kept only to create the account.
* The **audit log is never purged** (append-only, a database trigger enforces it; CSL art. 21 asks
  for at least six months): each deletion and anonymisation adds a ``system`` row instead.

Idempotent (a second run finds nothing to do) and one transaction: ``dry_run`` does the same work
and rolls it back, so its counts are exactly what a real run would do.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, DuplicateVerdict, Interest, Need, Notification, Signup, User
from matchmaker.models.base import utcnow
from matchmaker.services import accounts, audit
from matchmaker.services.links import path_for, posting_path

PURGED_STATUSES = ("rejected", "archived")


@dataclass
class PurgeReport:
    postings: int = 0
    interests: int = 0
    notifications: int = 0
    kept_for_deals: int = 0
    accounts: int = 0
    signups: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (a 31st becomes the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def purge(now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Delete expired postings and anonymise stale accounts; commit once (or roll back for ``dry_run``)."""
    now = now or utcnow()
    config = current_app.config
    report = PurgeReport()
    _purge_postings(months_before(now, config["RETENTION_MONTHS"]), report)
    _anonymise_accounts(months_before(now, config["ACCOUNT_RETENTION_MONTHS"]), report)
    report.signups = db.session.execute(delete(Signup).where(Signup.expires_at < now)).rowcount
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return report


def _purge_postings(cutoff: datetime, report: PurgeReport) -> None:
    reason = _("retention period passed")
    for model in (Achievement, Need):
        column = Interest.posting_column(model.kind)
        has_deal = select(Deal.id).join(Interest, Deal.interest_id == Interest.id).where(column == model.id).exists()
        expired = select(model).where(model.status.in_(PURGED_STATUSES), model.updated_at < cutoff)
        report.kept_for_deals += (
            db.session.scalar(select(func.count()).select_from(expired.where(has_deal).subquery())) or 0
        )
        for posting in list(db.session.scalars(expired.where(~has_deal).order_by(model.id))):
            interest_ids = list(db.session.scalars(select(Interest.id).where(column == posting.id)))
            links = [posting_path(posting)] + [path_for("interests.detail", interest_id=i) for i in interest_ids]
            report.notifications += db.session.execute(
                delete(Notification).where(Notification.link.in_(links))
            ).rowcount
            db.session.execute(
                delete(DuplicateVerdict).where(
                    DuplicateVerdict.kind == posting.kind,
                    or_(DuplicateVerdict.posting_id == posting.id, DuplicateVerdict.other_id == posting.id),
                )
            )
            audit.record(None, "purge", posting, {"status": posting.status}, {}, reason)
            db.session.delete(posting)  # the database cascades to interests, feedback and curated pairs
            report.interests += len(interest_ids)
            report.postings += 1
    db.session.flush()


def _anonymise_accounts(cutoff: datetime, report: PurgeReport) -> None:
    reason = _("retention period passed")
    last_seen = func.coalesce(User.last_login_at, User.created_at)
    stale = select(User).where(last_seen < cutoff, User.email.not_like(f"%{accounts.ANONYMOUS_EMAIL_DOMAIN}"))
    for user in list(db.session.scalars(stale.order_by(User.id))):
        if accounts.is_last_admin(user):
            continue
        accounts.anonymise(user)
        audit.record(None, "anonymise", user, {}, {}, reason)
        db.session.flush()  # the next is_last_admin() counts this one out
        report.accounts += 1
