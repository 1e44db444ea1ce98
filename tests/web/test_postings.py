"""Posting pages: create, validate, edit, status actions and who sees what."""

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need
from tests.conftest import login

ACH_FORM = {
    "title": "钢渣微粉制备高性能混凝土掺合料技术",
    "summary": "利用转炉钢渣制备混凝土掺合料。",
    "description": "钢渣经磁选、立磨粉磨至比表面积450m²/kg，28天活性指数≥85%。",
    "advantages": "固废利用率高，成本较矿粉低30%。",
    "applications": "商品混凝土搅拌站。",
    "field": "building_materials",
    "keywords": "钢渣、微粉、掺合料",
    "trl": "7",
    "ip_type": "invention",
    "patent_numbers": "ZL 2023 1 0000001.1",
    "modes": ["license", "joint"],
    "price_min": "30",
    "price_max": "80",
    "contact_name": "陈老师",
    "contact_phone": "010-5555 2222",
    "contact_email": "chen@example.com",
    "submit_review": "y",
}
NEED_FORM = {
    "title": "高炉煤气布袋除尘滤袋寿命短",
    "problem": "滤袋平均寿命不足12个月。",
    "key_points": "耐高温覆膜滤料。",
    "goals": "滤袋寿命≥24个月，排放≤5mg/m³。",
    "field": "environment",
    "keywords": "滤袋 除尘",
    "min_trl": "6",
    "modes": ["development"],
    "budget_min": "",
    "budget_max": "",
    "deadline": "2099-06-30",
    "contact_name": "刘工",
    "contact_phone": "0315-5555 3333",
    "contact_email": "liu@example.com",
    "save": "y",
}


def test_institution_posts_achievement_and_it_waits_for_review(client, app, world):
    login(client, app, world["bj"])
    response = client.post("/achievements/new", data=ACH_FORM)
    assert response.status_code in (302, 303)
    with app.app_context():
        posting = db.session.query(Achievement).one()
        assert posting.status == "pending" and posting.keywords == ["钢渣", "微粉", "掺合料"]
        assert posting.modes == ["license", "joint"] and posting.organization_id == world["bj_org"]
        assert float(posting.price_min) == 30.0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "待审核" in page and "钢渣微粉" in page
    # Not public until an admin publishes it.
    client.post("/logout")
    assert client.get(response.headers["Location"]).status_code == 404


def test_firm_saves_need_draft_with_negotiable_budget(client, app, world):
    login(client, app, world["hb"])
    response = client.post("/needs/new", data=NEED_FORM)
    assert response.status_code in (302, 303)
    with app.app_context():
        need = db.session.query(Need).one()
        assert need.status == "draft" and need.budget_min is None and need.budget_max is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "面议" in page and "草稿" in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": "长" * 201}, "200"),
        ({"title": ""}, "必填"),
        ({"description": "x" * 5001}, "5000"),
        ({"summary": "含\x00空字符"}, "控制字符"),
        ({"field": "not-a-field"}, None),
        ({"trl": "12"}, None),
        ({"trl": "abc"}, None),
        ({"modes": ["teleport"]}, None),
        ({"price_min": "100", "price_max": "10"}, "不得低于"),
        ({"price_min": "-5"}, None),
        ({"price_max": "1e99"}, None),
        ({"price_min": "abc"}, None),
        ({"keywords": "一、二、三、四、五、六"}, "5"),
        ({"keywords": ""}, None),
        ({"contact_email": "not-an-email"}, None),
    ],
)
def test_bad_achievement_input_is_refused_and_nothing_stored(client, app, world, change, message):
    login(client, app, world["bj"])
    response = client.post("/achievements/new", data={**ACH_FORM, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error"' in page
    if message:
        assert message in page
    with app.app_context():
        assert db.session.query(Achievement).count() == 0


def test_need_deadline_in_past_is_refused(client, app, world):
    login(client, app, world["hb"])
    response = client.post("/needs/new", data={**NEED_FORM, "deadline": "2001-01-01"})
    assert response.status_code == 400 and "截止日期" in response.get_data(as_text=True)


def test_wrong_side_gets_403(client, app, world):
    login(client, app, world["hb"])
    assert client.get("/achievements/new").status_code == 403
    assert client.post("/achievements/new", data=ACH_FORM).status_code == 403
    login(client, app, world["bj"])
    assert client.get("/needs/new").status_code == 403
    with app.app_context():
        assert db.session.query(Achievement).count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get("/achievements/new")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_other_orgs_draft_is_404_and_published_edit_is_403(client, app, world, make):
    draft = make.achievement(world["bj_org"], status="draft")
    published = make.achievement(world["bj_org"], status="published")
    login(client, app, world["tj"])
    assert client.get(f"/achievements/{draft}").status_code == 404
    assert client.get(f"/achievements/{draft}/edit").status_code == 404
    assert client.get(f"/achievements/{published}/edit").status_code == 403
    response = client.post(f"/achievements/{published}/edit", data={**ACH_FORM, "title": "篡改"})
    assert response.status_code == 403
    assert client.post(f"/achievements/{published}/withdraw").status_code == 403
    with app.app_context():
        assert db.session.get(Achievement, published).title != "篡改"
        assert db.session.get(Achievement, published).status == "published"


def test_unknown_ids_are_404(client):
    assert client.get("/achievements/999999").status_code == 404
    assert client.get("/needs/0").status_code == 404
    assert client.get("/widgets/1").status_code == 404


def test_owner_edits_published_posting_back_to_review(client, app, world, make):
    posting_id = make.achievement(world["bj_org"], status="published")
    login(client, app, world["bj"])
    form_page = client.get(f"/achievements/{posting_id}/edit").get_data(as_text=True)
    assert "重新" in form_page  # the warning that the edit goes back to review
    response = client.post(
        f"/achievements/{posting_id}/edit", data={**ACH_FORM, "title": "修订后的标题", "status": "published"}
    )
    assert response.status_code in (302, 303)
    with app.app_context():
        posting = db.session.get(Achievement, posting_id)
        assert posting.title == "修订后的标题" and posting.status == "pending"


def test_submit_withdraw_delete_buttons(client, app, world, make):
    posting_id = make.need(world["hb_org"], status="draft")
    login(client, app, world["hb"])
    client.post(f"/needs/{posting_id}/submit")
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "pending"
    client.post(f"/needs/{posting_id}/withdraw")
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "draft"
    client.post(f"/needs/{posting_id}/delete")
    with app.app_context():
        assert db.session.get(Need, posting_id) is None


def test_contact_hidden_from_public_and_other_orgs_shown_to_owner_and_admin(client, app, world, make):
    posting_id = make.achievement(
        world["bj_org"], contact_phone="010-5555 9876", contact_email="secret.person@example.com"
    )
    for user in (None, world["hb"], world["tj"]):
        if user:
            login(client, app, user)
        page = client.get(f"/achievements/{posting_id}").get_data(as_text=True)
        assert "010-5555 9876" not in page and "secret.person@example.com" not in page
        listing = client.get("/achievements/").get_data(as_text=True)
        assert "010-5555 9876" not in listing and "secret.person@example.com" not in listing
        assert "010-5555 9876" not in client.get("/").get_data(as_text=True)
    for user in (world["bj"], world["admin"]):
        login(client, app, user)
        page = client.get(f"/achievements/{posting_id}").get_data(as_text=True)
        assert "010-5555 9876" in page and "secret.person@example.com" in page


def test_my_postings_shows_status_and_rejection_reason(client, app, world, make):
    make.need(world["hb_org"], status="rejected", title="被退回的需求", review_note="缺少预期目标的量化指标")
    make.need(world["hb_org"], status="published", title="已发布的需求")
    make.need(world["bj_org"], status="draft", title="别人的需求")
    login(client, app, world["hb"])
    page = client.get("/me/postings").get_data(as_text=True)
    assert "被退回的需求" in page and "缺少预期目标的量化指标" in page and "未通过" in page
    assert "已发布的需求" in page and "别人的需求" not in page


def test_admin_review_queue_publishes(client, app, world, make):
    posting_id = make.need(world["hb_org"], status="pending", title="待审核的需求")
    login(client, app, world["hb"])
    assert client.get("/admin/review").status_code == 403
    assert client.post(f"/admin/need/{posting_id}/review", data={"decision": "publish"}).status_code == 403
    login(client, app, world["admin"])
    assert "待审核的需求" in client.get("/admin/review").get_data(as_text=True)
    client.post(f"/admin/need/{posting_id}/review", data={"decision": "reject", "reason": ""})
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "pending"  # a rejection needs a reason
    client.post(f"/admin/need/{posting_id}/review", data={"decision": "publish"})
    with app.app_context():
        assert db.session.get(Need, posting_id).status == "published"
    client.post("/logout")
    assert "待审核的需求" in client.get("/needs/").get_data(as_text=True)


def test_review_requires_post(client, app, world, make):
    posting_id = make.need(world["hb_org"], status="pending")
    login(client, app, world["admin"])
    assert client.get(f"/admin/need/{posting_id}/review").status_code == 405


def test_oversized_body_is_413(client, app, world):
    login(client, app, world["bj"])
    response = client.post("/achievements/new", data={**ACH_FORM, "description": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    with app.app_context():
        assert db.session.query(Achievement).count() == 0


def test_deadlines_count_in_beijing_days_on_a_utc_server(client, app, world, monkeypatch):
    """04:00 in Beijing on 03-02 is still 03-01 in UTC: a deadline of 03-01 has passed for the poster."""
    import datetime as dt

    from matchmaker import clock

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 3, 1, 20, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", Frozen)
    assert clock.today() == dt.date(2031, 3, 2)
    login(client, app, world["hb"])
    response = client.post("/needs/new", data={**NEED_FORM, "deadline": "2031-03-01"})
    assert response.status_code == 400 and "截止日期" in response.get_data(as_text=True)
    response = client.post("/needs/new", data={**NEED_FORM, "deadline": "2031-03-02"})
    assert response.status_code in (302, 303)
    with app.app_context():
        assert [n.deadline for n in db.session.query(Need)] == [dt.date(2031, 3, 2)]


def test_a_value_that_does_not_parse_is_told_with_the_other_fields_errors(client, app, world):
    """A budget of "abc" used to hide a blank title and a bad phone until the next submit."""
    login(client, app, world["hb"])
    bad = {**NEED_FORM, "budget_min": "abc", "title": "", "contact_phone": "((((((", "submit_review": "y"}
    response = client.post("/needs/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "必填" in page and "5 到 20 位数字" in page and page.count('class="error"') >= 3
    for phone in ("\u200b", "++++++"):
        page = client.post("/needs/new", data={**NEED_FORM, "contact_phone": phone}).get_data(as_text=True)
        assert "5 到 20 位数字" in page
    response = client.post("/needs/new", data={**NEED_FORM, "title": "\u200b\ufeff"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.query(Need).count() == 0
