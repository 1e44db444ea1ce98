"""PR-6 retention: `retention.purge(now=...)` on explicit dates, so the clock is frozen by argument."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (
    Achievement,
    ApiToken,
    AuditLog,
    CuratedPair,
    Deal,
    DuplicateVerdict,
    Interest,
    Message,
    Need,
    Notification,
    SuggestionFeedback,
    User,
)
from matchmaker.services import audit, retention

NOW = datetime(2031, 3, 31, 12, 0)  # posting cutoff 2029-03-31, account cutoff 2028-03-31
OLD, RECENT = datetime(2029, 3, 1), datetime(2030, 12, 1)


def test_months_before_counts_calendar_months():
    assert retention.months_before(NOW, 24) == datetime(2029, 3, 31, 12, 0)
    assert retention.months_before(datetime(2030, 3, 31), 1) == datetime(2030, 2, 28)
    assert retention.months_before(datetime(2030, 1, 15, 8, 30), 13) == datetime(2028, 12, 15, 8, 30)


def _interest(need: int, ach: int, bj_org: int, hb_org: int, status="closed_no_deal") -> Interest:
    interest = Interest(
        need_id=need,
        achievement_id=ach,
        initiator_org_id=hb_org,
        recipient_org_id=bj_org,
        status=status,
        created_at=OLD,
        updated_at=OLD,
    )
    db.session.add(interest)
    db.session.flush()
    return interest


@pytest.fixture
def pool(app, make):
    """Two organizations with members whose last logins are set, and postings of every age and status."""
    ids = {}
    ids["bj_org"] = make.org("university", "beijing", "海淀区")
    ids["hb_org"] = make.org("firm", "hebei", "唐山")
    ids["admin"] = make.user(ids["bj_org"], role="admin", created_at=OLD, last_login_at=RECENT)
    ids["active"] = make.user(ids["hb_org"], created_at=OLD, last_login_at=datetime(2029, 1, 1))
    ids["stale"] = make.user(ids["hb_org"], created_at=datetime(2024, 1, 1), last_login_at=datetime(2028, 3, 1))
    ids["never"] = make.user(ids["bj_org"], created_at=datetime(2027, 5, 1))  # never logged in
    ids["fresh"] = make.user(ids["bj_org"], created_at=datetime(2030, 1, 1))  # never logged in, but new
    ids["old_rejected"] = make.achievement(ids["bj_org"], status="rejected", updated_at=OLD)
    ids["recent_rejected"] = make.achievement(ids["bj_org"], status="rejected", updated_at=RECENT)
    ids["old_archived"] = make.need(ids["hb_org"], status="archived", updated_at=OLD)
    ids["old_with_deal"] = make.need(ids["hb_org"], status="archived", updated_at=OLD)
    ids["old_published"] = make.achievement(ids["bj_org"], updated_at=OLD)
    ids["old_draft"] = make.need(ids["hb_org"], status="draft", updated_at=OLD)
    with app.app_context():
        # The old archived need had a conversation (no deal) with the old published achievement.
        talk = _interest(ids["old_archived"], ids["old_published"], ids["bj_org"], ids["hb_org"])
        db.session.add(
            Message(interest_id=talk.id, sender_id=ids["active"], sender_org_id=ids["hb_org"], body="方案已发")
        )
        ids["talk"] = talk.id
        deal = _interest(ids["old_with_deal"], ids["old_published"], ids["bj_org"], ids["hb_org"], "deal_signed")
        db.session.add(
            Deal(interest_id=deal.id, contract_type="license", amount_wan=Decimal("80"), signed_on=date(2028, 5, 1))
        )
        ids["deal_interest"] = deal.id
        db.session.add_all(
            [
                Notification(user_id=ids["active"], event="interest_accepted", link=f"/interests/{talk.id}"),
                Notification(user_id=ids["active"], event="posting_archived", link=f"/needs/{ids['old_archived']}"),
                Notification(
                    user_id=ids["admin"], event="strong_suggestion", link=f"/achievements/{ids['old_published']}"
                ),
                SuggestionFeedback(
                    user_id=ids["admin"],
                    need_id=ids["old_archived"],
                    achievement_id=ids["old_published"],
                    relevant=False,
                ),
                CuratedPair(need_id=ids["old_archived"], achievement_id=ids["old_published"], decision="dismissed"),
                DuplicateVerdict(
                    kind="need", posting_id=ids["old_archived"], other_id=ids["old_with_deal"], verdict="not_duplicate"
                ),
                DuplicateVerdict(
                    kind="need", posting_id=ids["old_with_deal"], other_id=ids["old_archived"], verdict="not_duplicate"
                ),
                ApiToken(
                    user_id=ids["stale"], name="x", token_hash="a" * 64, prefix="abc", expires_at=datetime(2028, 4, 1)
                ),
            ]
        )
        # An audit row older than everything, about a posting and a user that go.
        audit.record(
            db.session.get(User, ids["admin"]),
            "reject",
            db.session.get(Achievement, ids["old_rejected"]),
            {"status": "pending"},
            {"status": "rejected"},
            "不符合要求",
        )
        audit.record(db.session.get(User, ids["stale"]), "edit", db.session.get(Need, ids["old_archived"]))
        db.session.commit()
    return ids


def _audit_rows() -> list[tuple]:
    return [
        (
            r.id,
            r.actor_id,
            r.actor_label,
            r.action,
            r.target_type,
            r.target_id,
            r.before,
            r.after,
            r.reason,
            r.created_at,
        )
        for r in db.session.scalars(select(AuditLog).order_by(AuditLog.id))
    ]


def _counts() -> dict:
    models = (
        Achievement,
        Need,
        Interest,
        Message,
        Deal,
        Notification,
        SuggestionFeedback,
        CuratedPair,
        DuplicateVerdict,
        ApiToken,
        AuditLog,
    )
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}
    counts["anonymised"] = db.session.scalar(select(func.count(User.id)).where(User.email.like("%@deleted.invalid")))
    return counts


def test_purge_deletes_expired_postings_and_anonymises_stale_accounts(app, pool, ctx):
    audit_before = _audit_rows()
    report = retention.purge(now=NOW)
    assert report == retention.PurgeReport(postings=2, interests=1, notifications=2, kept_for_deals=1, accounts=2)

    assert db.session.get(Achievement, pool["old_rejected"]) is None
    assert db.session.get(Need, pool["old_archived"]) is None
    for kept in ("recent_rejected", "old_published"):
        assert db.session.get(Achievement, pool[kept]) is not None, kept
    for kept in ("old_with_deal", "old_draft"):
        assert db.session.get(Need, pool[kept]) is not None, kept
    assert db.session.get(Interest, pool["talk"]) is None and db.session.scalar(select(func.count(Message.id))) == 0
    assert db.session.get(Interest, pool["deal_interest"]).deal is not None  # the deal, its interest, both postings
    assert db.session.scalars(select(Notification.link)).all() == [f"/achievements/{pool['old_published']}"]
    assert db.session.scalar(select(func.count()).select_from(SuggestionFeedback)) == 0
    assert db.session.scalar(select(func.count()).select_from(CuratedPair)) == 0
    assert db.session.scalar(select(func.count()).select_from(DuplicateVerdict)) == 0

    for gone in ("stale", "never"):
        user = db.session.get(User, pool[gone])
        assert user.email == f"deleted-{user.id}@deleted.invalid" and not user.active and user.phone == "", gone
    for kept in ("active", "fresh", "admin"):
        assert db.session.get(User, pool[kept]).active, kept
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0

    after = _audit_rows()
    assert after[: len(audit_before)] == audit_before  # untouched: same ids, same content
    added = [(row[1], row[2], row[3], row[4], row[5]) for row in after[len(audit_before) :]]
    assert sorted(added, key=str) == sorted(
        [
            (None, "system", "purge", "achievement", pool["old_rejected"]),
            (None, "system", "purge", "need", pool["old_archived"]),
            (None, "system", "anonymise", "user", pool["stale"]),
            (None, "system", "anonymise", "user", pool["never"]),
        ],
        key=str,
    )


def test_purge_is_idempotent_and_dry_run_changes_nothing(app, pool, ctx):
    before = _counts()
    dry = retention.purge(now=NOW, dry_run=True)
    assert _counts() == before
    assert db.session.get(User, pool["stale"]).email.endswith("@example.com")
    real = retention.purge(now=NOW)
    assert dry == real and real.postings == 2 and real.accounts == 2
    after = _counts()
    again = retention.purge(now=NOW)
    assert again == retention.PurgeReport(kept_for_deals=1) and _counts() == after


def test_the_last_active_admin_is_never_anonymised(app, make, ctx):
    org = make.org("agency")
    admin = make.user(org, role="admin", created_at=OLD, last_login_at=datetime(2020, 1, 1))
    retired = make.user(org, role="admin", active=False, created_at=OLD, last_login_at=datetime(2020, 1, 1))
    assert retention.purge(now=NOW).accounts == 1
    assert db.session.get(User, admin).role == "admin" and db.session.get(User, admin).active
    assert db.session.get(User, retired).email.endswith("@deleted.invalid")


def test_unconfirmed_registrations_are_deleted_once_their_link_expired(app, ctx):
    from datetime import timedelta

    from matchmaker.models import Signup
    from matchmaker.models.base import utcnow

    now = utcnow()
    for email, expires in (
        ("old@example.com", now - timedelta(hours=1)),
        ("fresh@example.com", now + timedelta(days=2)),
    ):
        db.session.add(
            Signup(token_hash=email.ljust(64, "x")[:64], email=email, payload={"name": "x"}, expires_at=expires)
        )
    db.session.commit()
    report = retention.purge(now)
    assert report.signups == 1
    assert db.session.scalars(select(Signup.email)).all() == ["fresh@example.com"]
