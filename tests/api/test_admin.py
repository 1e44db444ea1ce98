"""The admin part of the API: review queue, publish, reject, the dashboard's figures."""

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, AuditLog, Need
from tests.api.conftest import error_of


@pytest.mark.parametrize("who, status", [("bj", 403), ("hb", 403), (None, 401)])
def test_admin_endpoints_refuse_others(api, make, world, who, status):
    pending = make.achievement(world["bj_org"], status="pending")
    for method, path in (
        ("GET", "/admin/review-queue"),
        ("GET", "/admin/stats"),
        ("POST", f"/admin/achievements/{pending}/publish"),
    ):
        response = api.request(method, path, as_=who)
        assert response.status_code == status and error_of(response)["code"] in ("forbidden", "unauthorized")
    response = api.post(f"/admin/achievements/{pending}/reject", as_=who, json={"reason": "不符合要求"})
    assert response.status_code == status


def test_review_queue_lists_pending_without_contacts(api, make, world):
    """The list carries no contacts: reading one posting shows its contact (and audits the admin)."""
    first = make.need(world["hb_org"], status="pending")
    make.need(world["hb_org"], status="draft")
    ach = make.achievement(world["tj_org"], status="pending")
    body = api.get("/admin/review-queue", as_="admin").get_json()
    assert [n["id"] for n in body["needs"]] == [first] and [a["id"] for a in body["achievements"]] == [ach]
    assert "contact_phone" not in body["needs"][0] and body["needs"][0]["review_note"] == ""
    assert api.get(f"/needs/{first}", as_="admin").get_json()["contact_phone"] == "0311-5555 6789"


def test_publish_and_reject(api, app, make, world):
    pending = make.achievement(world["bj_org"], status="pending")
    response = api.post(f"/admin/achievements/{pending}/publish", as_="admin")
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    assert response.get_json()["published_at"].endswith("Z")
    assert api.get(f"/achievements/{pending}").status_code == 200
    again = api.post(f"/admin/achievements/{pending}/publish", as_="admin")
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"

    need = make.need(world["hb_org"], status="pending")
    blank = api.post(f"/admin/needs/{need}/reject", as_="admin", json={"reason": " "})
    assert blank.status_code == 422 and "reason" in error_of(blank)["fields"]
    response = api.post(f"/admin/needs/{need}/reject", as_="admin", json={"reason": "请补充预算范围。", "revise": True})
    assert response.status_code == 200 and response.get_json()["status"] == "needs_revision"
    assert api.get(f"/needs/{need}", as_="hb").get_json()["review_note"] == "请补充预算范围。"
    with app.app_context():
        assert db.session.get(Achievement, pending).status == "published"
        assert db.session.get(Need, need).review_note == "请补充预算范围。"
        assert {row.action for row in db.session.query(AuditLog)} >= {"publish", "request_revision"}


def test_admin_cannot_review_own_organization(api, app, make, world):
    own = make.achievement(world["admin_org"], status="pending")
    response = api.post(f"/admin/achievements/{own}/publish", as_="admin")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Achievement, own).status == "pending"


def test_stats(api, make, world):
    make.need(world["hb_org"])
    make.achievement(world["bj_org"])
    response = api.get("/admin/stats", as_="admin")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["self_sufficiency"]["hebei_needs"] == 1
    assert body["postings_by_region"]["hebei"]["need"] == 1
