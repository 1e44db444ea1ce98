"""A challenge from draft to publication, and every refusal on the way (service level)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Challenge, Notification
from matchmaker.services import challenges
from matchmaker.services.challenge_rules import today
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from tests.challenges.support import challenge_data, firm_challenge, invalid, user


@pytest.fixture
def ids(world, make):
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "邯郸", name="邯郸示例特钢有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["need1"] = make.need(world["hb_org"], title="转炉钢渣堆存量大，寻求高附加值利用", field="building_materials")
    ids["need2"] = make.need(ids["hb2_org"], title="电炉钢渣稳定化处理与建材化利用", field="building_materials")
    return ids


def test_firm_creates_submits_admin_publishes(ctx, ids):
    challenge = challenges.create(user(ids["hb"]), challenge_data())
    assert challenge.status == "draft" and challenge.sponsors[0].confirmed_at is not None
    assert challenge.sponsors[0].share_wan == Decimal("300")
    challenges.submit(user(ids["hb"]), challenge.id)
    assert challenge.status == "review"
    challenges.publish(user(ids["admin"]), challenge.id)
    assert challenge.status == "open" and challenge.opened_at is not None
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["challenge_create", "challenge_submit", "challenge_publish"]


def test_institution_cannot_create(ctx, ids):
    with pytest.raises(Forbidden):
        challenges.create(user(ids["bj"]), challenge_data())


@pytest.mark.parametrize(
    "change, field, message",
    [
        (dict(title=""), "title", "Required"),
        (dict(field="space"), "field", "one of"),
        (dict(indicators=[{"name": "利用率", "target": "越高越好", "unit": ""}]), "indicators.target", "measurable"),
        (dict(indicators=[]), "indicators", "Required"),
        (dict(criteria=[{"name": "方案", "weight": 60}, {"name": "报价", "weight": 30}]), "criteria", "100"),
        (dict(budget_wan=Decimal("NaN")), "budget_wan", "number"),
        (dict(budget_wan=Decimal("-1")), "budget_wan", "amount"),
        (dict(budget_wan=Decimal("0")), "budget_wan", "more than 0"),
        (dict(centre_share_wan=Decimal("400")), "centre_share_wan", "exceed"),
        (dict(eligible_kinds=["firm"]), "eligible_kinds", "one of"),
        (dict(eligible_regions=[]), "eligible_regions", "Required"),
        (dict(min_trl=10), "min_trl", "at most 9"),
        (dict(delivery_months=0), "delivery_months", "at least 1"),
        (dict(problem="问题\x00"), "problem", "control"),
        (dict(proposal_deadline=today() - timedelta(days=1)), "proposal_deadline", "past"),
    ],
)
def test_bad_data_refused(ctx, ids, change, field, message):
    with invalid(field, message):
        challenges.create(user(ids["hb"]), challenge_data(**change))


def test_errors_in_chinese_by_default(app, ids):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        with invalid("criteria", "权重"):
            challenges.create(user(ids["hb"]), challenge_data(criteria=[{"name": "方案", "weight": 90}]))


def test_cluster_needs_shares_confirmed_by_each_firm(ctx, ids):
    data = challenge_data(
        budget_wan=Decimal("500"),
        centre_share_wan=Decimal("100"),
        shares={ids["hb_org"]: Decimal("250"), ids["hb2_org"]: Decimal("150")},
    )
    challenge = challenges.create_from_needs(user(ids["admin"]), [ids["need1"], ids["need2"]], data)
    assert challenge.sponsor_org_ids == {ids["hb_org"], ids["hb2_org"]} and challenge.lead_org_id == ids["hb_org"]
    assert db.session.scalar(select(Notification.id).where(Notification.event == "challenge_share")) is not None
    with pytest.raises(DomainError, match="hb|邯郸|Waiting|confirm"):
        challenges.submit(user(ids["admin"]), challenge.id)
    challenges.confirm_share(user(ids["hb"]), challenge.id)
    with pytest.raises(Conflict):
        challenges.confirm_share(user(ids["hb"]), challenge.id)
    challenges.confirm_share(user(ids["hb2"]), challenge.id)
    challenges.submit(user(ids["hb2"]), challenge.id)
    assert db.session.get(Challenge, challenge.id).status == "review"


def test_cluster_shares_must_add_up(ctx, ids):
    data = challenge_data(shares={ids["hb_org"]: Decimal("100"), ids["hb2_org"]: Decimal("100")})
    with pytest.raises(DomainError):
        challenges.create_from_needs(user(ids["admin"]), [ids["need1"], ids["need2"]], data)
    with pytest.raises(Forbidden):
        challenges.create_from_needs(user(ids["hb"]), [ids["need1"]], challenge_data(shares={ids["hb_org"]: 300}))
    with pytest.raises(NotFound):
        challenges.create_from_needs(user(ids["admin"]), [999999], challenge_data())


def test_only_sponsors_and_admins_edit(ctx, ids):
    challenge_id = firm_challenge(ids, "draft")
    for outsider in ("bj", "hb2"):
        with pytest.raises(NotFound):  # a draft is not even visible to them
            challenges.update(user(ids[outsider]), challenge_id, challenge_data(title="改"))
    challenges.update(user(ids["hb"]), challenge_id, challenge_data(title="钢渣联合攻关（修订）"))
    challenges.update(user(ids["admin"]), challenge_id, challenge_data(budget_wan=Decimal("320")))
    challenge = db.session.get(Challenge, challenge_id)
    assert challenge.sponsors[0].share_wan == Decimal("320") and challenge.sponsors[0].confirmed_at is None
    with pytest.raises(DomainError):  # the firm confirms its changed share first
        challenges.submit(user(ids["hb"]), challenge_id)
    challenges.confirm_share(user(ids["hb"]), challenge_id)
    challenges.submit(user(ids["hb"]), challenge_id)


def test_review_and_publish_refusals(ctx, ids):
    challenge_id = firm_challenge(ids, "review")
    with pytest.raises(Conflict):
        challenges.update(user(ids["hb"]), challenge_id, challenge_data())
    with pytest.raises(Forbidden):
        challenges.publish(user(ids["hb"]), challenge_id)
    challenges.send_back(user(ids["admin"]), challenge_id, "请补充指标的检测方法。")
    challenge = db.session.get(Challenge, challenge_id)
    assert challenge.status == "draft" and challenge.review_note.startswith("请补充")
    with pytest.raises(Conflict):
        challenges.publish(user(ids["admin"]), challenge_id)


def test_deadline_must_lie_ahead(ctx, ids):
    challenge_id = firm_challenge(ids, "draft", proposal_deadline=today())
    with pytest.raises(DomainError, match="deadline|截止"):
        challenges.submit(user(ids["hb"]), challenge_id)


def test_evaluation_only_after_deadline_and_close(ctx, ids):
    challenge_id = firm_challenge(ids)
    with pytest.raises(DomainError):
        challenges.start_evaluation(user(ids["hb"]), challenge_id)
    with pytest.raises(Forbidden):  # an outsider sees the open challenge, but may not close it
        challenges.close_without_award(user(ids["bj"]), challenge_id, "x")
    challenges.close_without_award(user(ids["admin"]), challenge_id, "出资方调整计划")
    assert db.session.get(Challenge, challenge_id).status == "closed_without_award"
    with pytest.raises(Conflict):
        challenges.close_without_award(user(ids["admin"]), challenge_id, "again")


def test_drafts_hidden_published_public(ctx, ids):
    from matchmaker.services.challenge_rules import get_visible

    draft = firm_challenge(ids, "draft")
    with pytest.raises(NotFound):
        get_visible(None, draft)
    assert get_visible(user(ids["hb"]), draft).id == draft
    published = firm_challenge(ids, "open", proposal_deadline=today() + timedelta(days=5))
    assert get_visible(None, published).id == published
