"""Interest → deal: every transition and every refusal, with the database state after each."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need, Notification, User
from matchmaker.models.base import utcnow
from matchmaker.services import interests
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound, TooMany


def _u(user_id):
    return db.session.get(User, user_id)


@pytest.fixture
def pair(world, make):
    return {
        "need": make.need(world["hb_org"]),
        "ach": make.achievement(world["bj_org"]),
    }


def _events(user_id, event):
    return db.session.query(Notification).filter_by(user_id=user_id, event=event).count()


def test_firm_expresses_interest_and_institution_is_notified(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "我们对该成果很感兴趣")
    assert interest.status == "proposed" and interest.initiator_org_id == world["hb_org"]
    assert interest.recipient_org_id == world["bj_org"] and interest.accepted_at is None
    assert [e.to_status for e in interest.events] == ["proposed"]
    assert _events(world["bj"], "interest_received") == 1 and _events(world["hb"], "interest_received") == 0


def test_institution_can_start_too(world, pair, ctx):
    interest = interests.express(_u(world["bj"]), pair["need"], pair["ach"], "")
    assert interest.recipient_org_id == world["hb_org"]


def test_refusals(world, make, pair, ctx):
    own_need = make.need(world["hb_org"])
    with pytest.raises(DomainError):  # not my posting on either side
        interests.express(_u(world["tj"]), pair["need"], pair["ach"], "")
    unpublished = make.achievement(world["bj_org"], status="pending")
    with pytest.raises(NotFound):
        interests.express(_u(world["hb"]), pair["need"], unpublished, "")
    with pytest.raises(NotFound):
        interests.express(_u(world["hb"]), pair["need"], 999999, "")
    with pytest.raises(Forbidden):  # admins recommend, they do not express interest
        interests.express(_u(world["admin"]), pair["need"], pair["ach"], "")
    with pytest.raises(DomainError):
        interests.express(_u(world["hb"]), pair["need"], pair["ach"], "长" * 2001)
    interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(Conflict):  # twice, by either side
        interests.express(_u(world["bj"]), pair["need"], pair["ach"], "")
    assert db.session.query(Interest).count() == 1
    assert own_need  # a second need of the same firm is a different pair
    interests.express(_u(world["hb"]), own_need, pair["ach"], "")
    assert db.session.query(Interest).count() == 2


def test_both_postings_of_one_org_is_refused(world, make, ctx):
    need = make.need(world["bj_org"])
    ach = make.achievement(world["bj_org"])
    with pytest.raises(DomainError):
        interests.express(_u(world["bj"]), need, ach, "")


def test_accept_shares_contacts_and_records_consent(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(Forbidden):  # the initiator cannot accept its own interest
        interests.accept(_u(world["hb"]), interest)
    with pytest.raises(NotFound):  # a third organization does not even see it
        interests.get_visible(_u(world["tj"]), interest.id)
    interests.accept(_u(world["bj"]), interest)
    assert interest.status == "negotiating" and interest.accepted_at is not None
    assert interest.accepted_by_id == world["bj"]
    assert interests.shares_contacts(world["hb_org"], db.session.get(Achievement, pair["ach"]))
    assert _events(world["hb"], "interest_accepted") == 1
    with pytest.raises(Conflict):
        interests.accept(_u(world["bj"]), interest)


def test_decline_needs_reason_and_allows_a_new_interest_later(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(DomainError):
        interests.decline(_u(world["bj"]), interest, " ")
    interests.decline(_u(world["bj"]), interest, "成果已独家许可给其他企业")
    assert interest.status == "declined" and interest.decline_reason == "成果已独家许可给其他企业"
    assert not interests.shares_contacts(world["hb_org"], db.session.get(Achievement, pair["ach"]))
    assert _events(world["hb"], "interest_declined") == 1
    with pytest.raises(TooMany):  # the pair rests a while after a decline (RL-6)
        interests.express(_u(world["hb"]), pair["need"], pair["ach"], "再问一次")
    db.session.execute(
        update(Interest).where(Interest.id == interest.id).values(updated_at=utcnow() - timedelta(days=8))
    )
    db.session.commit()
    again = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "条件有变化，再次联系")
    assert again.id != interest.id


def test_express_withdraw_loops_are_stopped(world, pair, ctx, app, make):
    """20 express-then-withdraw loops in 2 s sent 20 notifications and e-mails to the other side."""
    waits = []
    for _round in range(5):
        try:
            interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
        except TooMany as refused:
            waits.append(refused.retry_after)
            continue
        interests.withdraw(_u(world["hb"]), interest)
    week = 7 * 24 * 3600
    assert len(waits) == 4 and all(week - 60 < w <= week for w in waits)  # Retry-After: the pair's rest
    assert db.session.query(Interest).count() == 1
    assert _events(world["bj"], "interest_received") == 1
    # A person's daily budget holds across pairs too.
    app.config["INTEREST_DAILY_LIMIT"] = 3
    others = [make.achievement(world["tj_org"], title=f"成果{n}") for n in range(3)]
    interests.express(_u(world["hb"]), pair["need"], others[0], "")
    interests.express(_u(world["hb"]), pair["need"], others[1], "")
    with pytest.raises(TooMany) as refused:
        interests.express(_u(world["hb"]), pair["need"], others[2], "")
    assert "24 小时" in str(refused.value)
    assert 24 * 3600 - 60 < refused.value.retry_after <= 24 * 3600  # until the first of the day leaves the window
    assert db.session.query(Interest).count() == 3


def test_withdraw_only_by_initiator_while_proposed(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(Forbidden):
        interests.withdraw(_u(world["bj"]), interest)
    interests.withdraw(_u(world["hb"]), interest)
    assert interest.status == "withdrawn"


def test_negotiation_moves_and_history(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(Conflict):
        interests.move(_u(world["hb"]), interest, "on_hold")  # not accepted yet
    interests.accept(_u(world["bj"]), interest)
    interests.move(_u(world["hb"]), interest, "on_hold", "等待董事会决议")
    interests.move(_u(world["bj"]), interest, "negotiating")
    with pytest.raises(Conflict):
        interests.move(_u(world["bj"]), interest, "proposed")
    with pytest.raises(DomainError):
        interests.move(_u(world["bj"]), interest, "deal_signed")
    interests.move(_u(world["bj"]), interest, "closed_no_deal", "价格未谈拢")
    steps = [(e.from_status, e.to_status, e.actor_id) for e in interest.events]
    assert steps == [
        ("", "proposed", world["hb"]),
        ("proposed", "negotiating", world["bj"]),
        ("negotiating", "on_hold", world["hb"]),
        ("on_hold", "negotiating", world["bj"]),
        ("negotiating", "closed_no_deal", world["bj"]),
    ]
    with pytest.raises(Conflict):
        interests.move(_u(world["bj"]), interest, "negotiating")


def test_messages_only_between_parties_after_acceptance(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    with pytest.raises(Conflict):
        interests.post_message(_u(world["hb"]), interest, "你好")
    interests.accept(_u(world["bj"]), interest)
    with pytest.raises(Forbidden):
        interests.post_message(_u(world["tj"]), interest, "我也想参与")
    with pytest.raises(DomainError):
        interests.post_message(_u(world["hb"]), interest, "x" * 2001)
    interests.post_message(_u(world["hb"]), interest, "请问中试线在哪里？")
    assert [m.body for m in interest.messages] == ["请问中试线在哪里？"]
    assert _events(world["bj"], "new_message") == 1


def test_deal_marks_postings_when_chosen(world, pair, ctx):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    data = interests.DealData("license", Decimal("80"), date.today(), "2026110100012345", True, False)
    with pytest.raises(Conflict):
        interests.record_deal(_u(world["hb"]), interest, data)  # not accepted
    interests.accept(_u(world["bj"]), interest)
    with pytest.raises(DomainError):
        interests.record_deal(_u(world["hb"]), interest, interests.DealData("gift", Decimal("1"), date.today()))
    with pytest.raises(DomainError):
        interests.record_deal(
            _u(world["hb"]), interest, interests.DealData("license", Decimal("1"), date.today() + timedelta(days=3))
        )
    with pytest.raises(DomainError):  # the firm cannot close the institution's achievement
        interests.record_deal(_u(world["hb"]), interest, data)
    assert interest.status == "negotiating" and db.session.query(Deal).count() == 0
    deal = interests.record_deal(_u(world["bj"]), interest, data)
    assert deal.amount_wan == Decimal("80") and interest.status == "deal_signed"
    assert db.session.get(Achievement, pair["ach"]).status == "transferred"
    assert db.session.get(Need, pair["need"]).status == "published"  # not chosen
    with pytest.raises(Conflict):
        interests.record_deal(_u(world["bj"]), interest, data)


def test_exception_mid_use_case_commits_nothing(world, pair, ctx, monkeypatch):
    interest = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")

    def broken(*args, **kwargs):
        raise RuntimeError("notification storage failed")

    monkeypatch.setattr(interests, "notify", broken)
    with pytest.raises(RuntimeError):
        interests.accept(_u(world["bj"]), interest)
    db.session.rollback()
    fresh = db.session.get(Interest, interest.id)
    assert fresh.status == "proposed" and fresh.accepted_at is None and len(fresh.events) == 1


def test_a_message_puts_its_conversation_first_in_the_desks_lists(world, make, pair, ctx):
    first = interests.express(_u(world["hb"]), pair["need"], pair["ach"], "")
    interests.accept(_u(world["bj"]), first)
    second = interests.express(_u(world["hb"]), make.need(world["hb_org"]), pair["ach"], "")
    assert [i.id for i in interests.for_organization(world["bj_org"])] == [second.id, first.id]
    before = first.updated_at
    interests.post_message(_u(world["bj"]), first, "请问贵司的工况参数？")
    assert first.updated_at > before
    for org in (world["bj_org"], world["hb_org"]):
        assert [i.id for i in interests.for_organization(org)] == [first.id, second.id]
