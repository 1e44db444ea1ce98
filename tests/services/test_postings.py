"""Posting use cases: the status flow, who may do what, and whitelisted fields."""

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, User
from matchmaker.services import postings
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound


def _user(user_id):
    return db.session.get(User, user_id)


ACH = dict(
    title="秸秆生物质颗粒燃料成型技术",
    field="energy",
    keywords=["秸秆", "生物质"],
    modes=["license"],
    summary="s",
    description="d",
    advantages="a",
    applications="",
    trl=7,
    ip_type="invention",
    patent_numbers="",
    price_min=None,
    price_max=None,
    contact_name="张",
    contact_phone="010-1234 5678",
    contact_email="z@example.com",
)


def test_create_draft_then_submit(world, ctx):
    posting = postings.create(_user(world["bj"]), "achievement", ACH, submit=False)
    assert posting.status == "draft" and posting.submitted_at is None
    postings.submit(_user(world["bj"]), posting)
    assert db.session.get(Achievement, posting.id).status == "pending"


def test_create_ignores_status_and_owner_injection(world, ctx):
    data = dict(ACH, status="published", organization_id=world["hb_org"], id=999)
    posting = postings.create(_user(world["bj"]), "achievement", data, submit=True)
    assert posting.status == "pending"
    assert posting.organization_id == world["bj_org"]
    assert posting.id != 999


def test_firm_cannot_post_achievement_and_institution_cannot_post_need(world, ctx):
    with pytest.raises(Forbidden):
        postings.create(_user(world["hb"]), "achievement", ACH, submit=False)
    with pytest.raises(Forbidden):
        postings.create(_user(world["bj"]), "need", {"title": "x"}, submit=False)
    assert db.session.query(Achievement).count() == 0 and db.session.query(Need).count() == 0


def test_edit_of_published_goes_back_to_pending(world, make, ctx):
    posting_id = make.achievement(world["bj_org"], status="published")
    posting = db.session.get(Achievement, posting_id)
    postings.update(_user(world["bj"]), posting, {"title": "改进后的标题"}, submit=False)
    posting = db.session.get(Achievement, posting_id)
    assert posting.status == "pending" and posting.title == "改进后的标题"


def test_member_of_same_org_may_edit_others_may_not(world, make, ctx):
    colleague = make.user(world["bj_org"])
    posting_id = make.achievement(world["bj_org"], status="draft")
    posting = db.session.get(Achievement, posting_id)
    postings.update(_user(colleague), posting, {"title": "同事修改"}, submit=False)
    with pytest.raises(NotFound):  # someone else's draft: not even visible
        postings.get_editable(_user(world["tj"]), "achievement", posting_id)
    published_id = make.achievement(world["bj_org"], status="published")
    with pytest.raises(Forbidden):  # visible, but not theirs to edit
        postings.get_editable(_user(world["tj"]), "achievement", published_id)


def test_submit_and_withdraw_refuse_wrong_states(world, make, ctx):
    posting = db.session.get(Achievement, make.achievement(world["bj_org"], status="pending"))
    with pytest.raises(Conflict):
        postings.submit(_user(world["bj"]), posting)
    postings.withdraw(_user(world["bj"]), posting)
    assert posting.status == "draft"
    with pytest.raises(Conflict):
        postings.withdraw(_user(world["bj"]), posting)


def test_delete_only_drafts(world, make, ctx):
    posting = db.session.get(Need, make.need(world["hb_org"], status="pending"))
    with pytest.raises(Conflict):
        postings.delete_draft(_user(world["hb"]), posting)
    postings.withdraw(_user(world["hb"]), posting)
    postings.delete_draft(_user(world["hb"]), posting)
    assert db.session.query(Need).count() == 0


def test_admin_publishes_rejects_and_sends_back(world, make, ctx):
    admin = _user(world["admin"])
    first = db.session.get(Need, make.need(world["hb_org"], status="pending"))
    postings.publish(admin, first)
    assert first.status == "published" and first.published_at is not None
    second = db.session.get(Need, make.need(world["hb_org"], status="pending"))
    with pytest.raises(DomainError):
        postings.reject(admin, second, "  ")
    postings.reject(admin, second, "预期目标缺少量化指标", revise=True)
    assert second.status == "needs_revision" and second.review_note == "预期目标缺少量化指标"
    postings.submit(_user(world["hb"]), second)
    assert second.status == "pending" and second.review_note == ""
    postings.reject(admin, second, "与平台定位不符")
    assert second.status == "rejected"
    with pytest.raises(Conflict):
        postings.publish(admin, second)


def test_members_cannot_review_and_admin_not_own_org(world, make, ctx):
    posting = db.session.get(Need, make.need(world["hb_org"], status="pending"))
    with pytest.raises(Forbidden):
        postings.publish(_user(world["bj"]), posting)
    own = db.session.get(Achievement, make.achievement(world["admin_org"], status="pending"))
    with pytest.raises(Forbidden):
        postings.publish(_user(world["admin"]), own)
    assert own.status == "pending"


def test_unpublish_returns_to_review(world, make, ctx):
    posting = db.session.get(Achievement, make.achievement(world["bj_org"], status="published"))
    postings.unpublish(_user(world["admin"]), posting, "需补充专利信息")
    assert posting.status == "pending" and posting.review_note == "需补充专利信息"


def test_timestamps_are_per_row(world, make, ctx):
    first = db.session.get(Achievement, make.achievement(world["bj_org"]))
    second = db.session.get(Achievement, make.achievement(world["bj_org"]))
    assert second.created_at > first.created_at
