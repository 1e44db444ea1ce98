"""Achievements and needs through the API: who sees and does what, and what ends up in the database."""

import copy

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need
from tests.api.conftest import ACHIEVEMENT, NEED, error_of

PHONE = "010-5555 1234"  # the factory's achievement contact phone


def test_anonymous_browse_lists_published_without_contacts(api, make, world):
    published = make.achievement(world["bj_org"])
    make.achievement(world["bj_org"], status="pending", title="待审核的成果")
    response = api.get("/achievements")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 20
    item = body["items"][0]
    assert item["id"] == published and item["status"] == "published" and item["modes"] == ["license", "assignment"]
    assert item["organization"]["name"] == "京华理工大学" and item["region"] == "beijing" and item["city"] == "海淀区"
    assert item["price_min"] == 50.0 and item["url"] == f"http://localhost/achievements/{published}"
    assert "contact_phone" not in item and "review_note" not in item
    text = response.get_data(as_text=True)
    assert PHONE not in text and "wang.contact@example.com" not in text
    assert "京华理工大学" in text  # Chinese as it is, not \u escapes


def test_owner_and_admin_lists_carry_no_contacts_either(api, make, world):
    make.achievement(world["bj_org"])
    for who in ("bj", "admin"):
        text = api.get("/achievements", as_=who).get_data(as_text=True)
        assert PHONE not in text and '"contact_phone"' not in text


def test_browse_filters(api, make, world):
    make.achievement(world["bj_org"], trl=4, field="bio", title="生物发酵新工艺")
    steel = make.achievement(world["tj_org"], trl=8, field="steel", title="钢铁冶炼余热回收")
    assert [i["id"] for i in api.get("/achievements?field=steel").get_json()["items"]] == [steel]
    assert [i["id"] for i in api.get("/achievements?region=tianjin").get_json()["items"]] == [steel]
    assert [i["id"] for i in api.get("/achievements?min_trl=7").get_json()["items"]] == [steel]
    assert api.get("/achievements?q=余热").get_json()["items"][0]["id"] == steel
    page = api.get("/achievements?per_page=1&page=2").get_json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["page"] == 2


def test_needs_min_trl_means_accepts_that_maturity(api, make, world):
    low = make.need(world["hb_org"], min_trl=3)
    make.need(world["hb_org"], min_trl=8)
    assert [i["id"] for i in api.get("/needs?min_trl=5").get_json()["items"]] == [low]


@pytest.mark.parametrize(
    "query, name",
    [
        ("per_page=abc", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=1.5", "page"),
        ("min_trl=false", "min_trl"),
        ("min_trl=10", "min_trl"),
        ("field=nope", "field"),
        ("region=shanghai", "region"),
        ("sort=title", "sort"),
        ("q=a&q=b", "q"),
        ("q=" + "长" * 101, "q"),
        ("q=%00", "q"),
        ("page=%EF%BC%91", "page"),
        ("page=99999999999999999999", "page"),
    ],
)
def test_strict_query_parameters(api, query, name):
    response = api.get(f"/achievements?{query}")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_query" and name in error["fields"]


def test_a_negative_page_is_told_its_minimum_not_that_it_is_no_integer(api):
    fields = error_of(api.get("/achievements?page=-1"))["fields"]
    assert fields == {"page": "不能小于 1。"}  # the probe saw 必须是整数 for -1
    assert error_of(api.get("/achievements?page=abc"))["fields"] == {"page": "必须是整数。"}


@pytest.mark.parametrize(
    "who, visible",
    [
        ("anonymous", False),
        ("tj", False),
        ("hb", False),
        ("bj", True),
        ("admin", True),
    ],
)
@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "needs_revision", "archived"])
def test_unpublished_posting_visible_to_its_organization_and_admins_only(api, make, world, who, visible, status):
    posting = make.achievement(world["bj_org"], status=status, review_note="请补充专利号")
    response = api.get(f"/achievements/{posting}", as_=None if who == "anonymous" else who)
    if not visible:
        assert response.status_code == 404 and error_of(response)["code"] == "not_found"
        assert "高性能锂电池" not in response.get_data(as_text=True)
        return
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == status and body["review_note"] == "请补充专利号"
    assert (body["contact_name"], body["contact_phone"], body["contact_email"]) == (
        "王联系",
        PHONE,
        "wang.contact@example.com",
    )


@pytest.mark.parametrize(
    "who, sees_contact",
    [
        ("anonymous", False),
        ("tj", False),
        ("hb", False),
        ("bj", True),
        ("admin", True),
    ],
)
def test_published_posting_contacts_only_where_permitted(api, make, world, who, sees_contact):
    posting = make.achievement(world["bj_org"])
    response = api.get(f"/achievements/{posting}", as_=None if who == "anonymous" else who)
    body = response.get_json()
    assert response.status_code == 200 and body["id"] == posting
    assert ("contact_phone" in body) is sees_contact and (PHONE in response.get_data(as_text=True)) is sees_contact
    assert ("review_note" in body) is (who in ("bj", "admin"))


def test_institution_creates_achievement_pending_in_its_organization(api, app, world):
    response = api.post("/achievements", as_="bj", json=ACHIEVEMENT)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"] == f"http://localhost/api/v1/achievements/{body['id']}"
    assert body["status"] == "pending" and body["contact_phone"] == "010-5555 2222"
    assert body["price_max"] == 80.5 and body["keywords"] == ["钢渣", "微粉", "掺合料"]
    with app.app_context():
        posting = db.session.get(Achievement, body["id"])
        assert posting.organization_id == world["bj_org"] and posting.created_by_id == world["bj"]
        assert posting.status == "pending" and posting.modes == ["license", "joint"] and float(posting.price_min) == 30
    assert api.get(f"/achievements/{body['id']}", as_="bj").get_json()["title"] == ACHIEVEMENT["title"]


def test_firm_creates_need_with_open_budget(api, app, world):
    response = api.post("/needs", as_="hb", json=NEED)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        need = db.session.get(Need, response.get_json()["id"])
        assert need.budget_min is None and need.deadline.isoformat() == "2099-06-30" and need.status == "pending"


@pytest.mark.parametrize(
    "who, path, body, status",
    [
        ("hb", "/achievements", ACHIEVEMENT, 403),
        ("bj", "/needs", NEED, 403),
        (None, "/achievements", ACHIEVEMENT, 401),
    ],
)
def test_create_refused_for_the_wrong_side(api, app, who, path, body, status):
    response = api.post(path, as_=who, json=body)
    assert response.status_code == status
    assert error_of(response)["code"] == ("forbidden" if status == 403 else "unauthorized")
    with app.app_context():
        assert db.session.query(Achievement).count() == 0 and db.session.query(Need).count() == 0


def test_admin_may_enter_either_kind(api):
    assert api.post("/needs", as_="admin", json=NEED).status_code == 201


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "长" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"summary": "含\x00空字符"}, "summary"),
        ({"advantages": "换行\u2028分隔"}, "advantages"),
        ({"keywords": []}, "keywords"),
        ({"keywords": ["a", "b", "c", "d", "e", "f"]}, "keywords"),
        ({"keywords": ["二" * 21]}, "keywords"),
        ({"keywords": ["钢渣", "钢渣"]}, "keywords"),
        ({"keywords": ["钢渣 微粉"]}, "keywords"),
        ({"keywords": "钢渣"}, "keywords"),
        ({"trl": 10}, "trl"),
        ({"trl": "7"}, "trl"),
        ({"trl": True}, "trl"),
        ({"trl": 7.5}, "trl"),
        ({"field": "astrology"}, "field"),
        ({"ip_type": None}, "ip_type"),
        ({"modes": ["gift"]}, "modes"),
        ({"price_min": -1}, "price_min"),
        ({"price_max": 1_000_001}, "price_max"),
        ({"price_min": "50"}, "price_min"),
        ({"price_min": 90, "price_max": 80}, "price_max"),
        ({"contact_name": "陈", "contact_phone": "abc", "contact_email": "chen@example.com"}, "contact_phone"),
        ({"contact_name": "陈", "contact_phone": "010-5555 2222", "contact_email": "not-an-email"}, "contact_email"),
        ({"contact_email": None}, "contact_email"),
        ({"status": "published"}, "status"),
        ({"id": 99}, "id"),
        ({"owner": 1}, "owner"),
        ({"organization": {"id": 1}}, "organization"),
        ({"organization_id": 3}, "organization_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_achievement_bodies_are_refused_with_the_field_named(api, app, change, field):
    body = copy.deepcopy(ACHIEVEMENT)
    body.update(change)
    response = api.post("/achievements", as_="bj", json=body)
    assert response.status_code == 422, response.get_json()
    error = error_of(response)
    assert error["code"] == "validation_failed" and field in error["fields"], error
    with app.app_context():
        assert db.session.query(Achievement).count() == 0


def test_missing_required_field_and_past_deadline(api):
    body = {k: v for k, v in NEED.items() if k != "problem"}
    assert "problem" in error_of(api.post("/needs", as_="hb", json=body))["fields"]
    past = dict(NEED, deadline="2001-01-01")
    assert "deadline" in error_of(api.post("/needs", as_="hb", json=past))["fields"]
    bad_date = dict(NEED, deadline="2099-02-30")
    assert "deadline" in error_of(api.post("/needs", as_="hb", json=bad_date))["fields"]


def test_messages_in_chinese_by_default_and_english_on_request(api):
    body = dict(ACHIEVEMENT, title="长" * 201)
    zh = error_of(api.post("/achievements", as_="bj", json=body))
    en = error_of(api.post("/achievements", as_="bj", json=body, lang="en"))
    assert zh["message"] == "部分字段无效。" and "200" in zh["fields"]["title"] and "字符" in zh["fields"]["title"]
    assert en["message"] == "Some fields are not valid." and en["fields"]["title"] == "At most 200 characters."


def test_patch_published_sends_it_back_to_review(api, app, make, world):
    posting = make.achievement(world["bj_org"])
    response = api.patch(
        f"/achievements/{posting}", as_="bj", json={"title": "改进的正极材料制备技术", "price_max": 150}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending" and body["title"] == "改进的正极材料制备技术" and body["price_max"] == 150.0
    with app.app_context():
        stored = db.session.get(Achievement, posting)
        assert (
            stored.status == "pending" and stored.keywords == ["锂电池", "正极材料"] and float(stored.price_min) == 50
        )
    assert api.get(f"/achievements/{posting}").status_code == 404  # no longer public


def test_patch_merges_contact_and_checks_the_whole_posting(api, app, make, world):
    posting = make.achievement(world["bj_org"], status="draft")
    response = api.patch(f"/achievements/{posting}", as_="bj", json={"contact_phone": "010-6666 7777"})
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    shown = response.get_json()
    assert (shown["contact_name"], shown["contact_phone"], shown["contact_email"]) == (
        "王联系",
        "010-6666 7777",
        "wang.contact@example.com",
    )
    refused = api.patch(f"/achievements/{posting}", as_="bj", json={"price_min": 500})  # above the stored maximum
    assert refused.status_code == 422 and "price_max" in error_of(refused)["fields"]
    for body, field in (({"status": "published"}, "status"), ({"title": None}, "title"), ({"title": " "}, "title")):
        assert field in error_of(api.patch(f"/achievements/{posting}", as_="bj", json=body))["fields"]
    unchanged = api.patch(f"/achievements/{posting}", as_="bj", json={})  # nothing to change: nothing changes
    assert unchanged.status_code == 200 and unchanged.get_json()["updated_at"] == shown["updated_at"]
    with app.app_context():
        stored = db.session.get(Achievement, posting)
        assert stored.status == "draft" and stored.contact_phone == "010-6666 7777" and float(stored.price_min) == 50


@pytest.mark.parametrize("who, status", [("tj", 403), ("hb", 403), (None, 401)])
def test_patch_by_others_is_refused(api, app, make, world, who, status):
    posting = make.achievement(world["bj_org"])
    response = api.patch(f"/achievements/{posting}", as_=who, json={"title": "别人的修改"})
    assert response.status_code == status
    with app.app_context():
        stored = db.session.get(Achievement, posting)
        assert stored.title != "别人的修改" and stored.status == "published"


def test_patch_of_someone_elses_unpublished_posting_is_not_found(api, make, world):
    posting = make.achievement(world["bj_org"], status="draft")
    assert api.patch(f"/achievements/{posting}", as_="tj", json={"title": "x"}).status_code == 404


def test_delete_only_drafts(api, app, make, world):
    draft = make.need(world["hb_org"], status="draft")
    published = make.need(world["hb_org"])
    refused = api.delete(f"/needs/{published}", as_="hb")
    assert refused.status_code == 409 and error_of(refused)["code"] == "conflict"
    assert api.delete(f"/needs/{draft}", as_="admin").status_code in (204,)  # admins may, like on the pages
    assert api.delete(f"/needs/{draft}", as_="hb").status_code == 404
    with app.app_context():
        assert db.session.get(Need, draft) is None and db.session.get(Need, published) is not None


def test_delete_by_other_org_is_refused(api, app, make, world):
    draft = make.need(world["hb_org"], status="draft")
    assert api.delete(f"/needs/{draft}", as_="bj").status_code == 404
    published = make.need(world["hb_org"])
    assert api.delete(f"/needs/{published}", as_="bj").status_code == 403
    with app.app_context():
        assert db.session.get(Need, draft) is not None


def test_submit_and_withdraw(api, app, make, world):
    posting = make.need(world["hb_org"], status="draft")
    response = api.post(f"/needs/{posting}/submit", as_="hb")
    assert response.status_code == 200 and response.get_json()["status"] == "pending"
    again = api.post(f"/needs/{posting}/submit", as_="hb")
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"
    assert api.post(f"/needs/{posting}/withdraw", as_="bj").status_code == 404  # not visible to others
    response = api.post(f"/needs/{posting}/withdraw", as_="hb", json={})
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    assert api.post(f"/needs/{posting}/submit", as_="hb", json={"status": "published"}).status_code == 400
    with app.app_context():
        assert db.session.get(Need, posting).status == "draft"


@pytest.mark.parametrize(
    "path",
    [
        "/achievements/0",
        "/achievements/-1",
        "/achievements/99999999999999999999",
        "/achievements/2147483648",
        "/achievements/abc",
        "/achievements/%D9%A1",
        "/needs/123456",
    ],
)
def test_odd_ids_are_not_found(api, path):
    response = api.get(path, as_="admin")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_suggestions_for_owner_and_admin_only(api, make, world):
    need = make.need(world["hb_org"])
    achievement = make.achievement(world["bj_org"])
    for who in ("hb", "admin"):
        response = api.get(f"/needs/{need}/suggestions?k=5", as_=who)
        assert response.status_code == 200, response.get_json()
        items = response.get_json()["items"]
        assert items and items[0]["id"] == achievement and items[0]["kind"] == "achievement"
        assert 0 < items[0]["score"] <= 1 and isinstance(items[0]["shared_terms"], list) and items[0]["reasons"]
        assert PHONE not in response.get_data(as_text=True)
    assert api.get(f"/needs/{need}/suggestions", as_="bj").status_code == 404
    assert api.get(f"/needs/{need}/suggestions").status_code == 401
    assert api.get(f"/needs/{need}/suggestions?k=51", as_="hb").status_code == 400


def test_permission_is_decided_before_the_body_is_read(api, make, world):
    """An outsider learns 403/404, never what was wrong with the input (as on the pages)."""
    assert api.post("/achievements", as_="hb", json={}).status_code == 403
    assert api.post("/needs", as_="bj", data="not json", content_type="text/plain").status_code == 403
    published, draft = make.achievement(world["bj_org"]), make.achievement(world["bj_org"], status="draft")
    assert api.patch(f"/achievements/{published}", as_="tj", json={"status": "x"}).status_code == 403
    assert api.patch(f"/achievements/{draft}", as_="tj", json={"status": "x"}).status_code == 404
    assert api.patch(f"/achievements/{draft}", as_="bj", json={"status": "x"}).status_code == 422
