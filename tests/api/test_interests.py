"""Interests through the API: express, accept or decline, contacts only once accepted, the deal."""

from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need
from tests.api.conftest import error_of

NEED_PHONE, ACH_PHONE = "0311-5555 6789", "010-5555 1234"


@pytest.fixture
def pair(make, world):
    return {"need": make.need(world["hb_org"]), "achievement": make.achievement(world["bj_org"])}


def express(api, pair, who="hb", message="希望洽谈许可合作。"):
    return api.post(
        "/interests", as_=who, json={"need_id": pair["need"], "achievement_id": pair["achievement"], "message": message}
    )


def test_firm_expresses_interest_without_seeing_contacts(api, app, pair, world):
    response = express(api, pair)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "proposed" and body["initiator"]["id"] == world["hb_org"]
    assert body["recipient"]["id"] == world["bj_org"] and body["message"] == "希望洽谈许可合作。"
    assert response.headers["Location"].endswith(f"/api/v1/interests/{body['id']}")
    assert body["url"] == f"http://localhost/interests/{body['id']}" and body["deal"] is None
    assert "contacts" not in body and ACH_PHONE not in response.get_data(as_text=True)
    with app.app_context():
        interest = db.session.get(Interest, body["id"])
        assert interest.initiator_user_id == world["hb"] and interest.status == "proposed"
    # The achievement's contact stays hidden from the firm until acceptance.
    assert "contact_phone" not in api.get(f"/achievements/{pair['achievement']}", as_="hb").get_json()


def test_duplicate_interest_is_a_conflict(api, app, pair):
    assert express(api, pair).status_code == 201
    again = express(api, pair, who="bj")
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"
    with app.app_context():
        assert db.session.query(Interest).count() == 1


@pytest.mark.parametrize("who, status", [("tj", 409), ("admin", 403), (None, 401)])
def test_outsiders_cannot_express_interest_for_others(api, app, pair, who, status):
    response = express(api, pair, who=who)
    assert response.status_code == status
    with app.app_context():
        assert db.session.query(Interest).count() == 0


def test_interest_on_unpublished_posting_is_not_found(api, make, world):
    draft = make.achievement(world["bj_org"], status="pending")
    need = make.need(world["hb_org"])
    response = express(api, {"need": need, "achievement": draft})
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"need_id": "1", "achievement_id": 1}, "need_id"),
        ({"need_id": 1}, "achievement_id"),
        ({"need_id": 1, "achievement_id": 2**31}, "achievement_id"),
        ({"need_id": 1, "achievement_id": 1, "status": "negotiating"}, "status"),
        ({"need_id": 1, "achievement_id": 1, "message": "长" * 2001}, "message"),
    ],
)
def test_invalid_interest_bodies(api, body, field):
    response = api.post("/interests", as_="hb", json=body)
    assert response.status_code == 422 and field in error_of(response)["fields"]


def test_accept_shares_contacts_with_both_sides_only(api, app, pair, world):
    interest = express(api, pair).get_json()["id"]
    assert api.post(f"/interests/{interest}/accept", as_="hb").status_code == 403  # the initiator cannot accept
    for who in ("tj", None):
        assert api.get(f"/interests/{interest}", as_=who).status_code in (401, 404)
    response = api.post(f"/interests/{interest}/accept", as_="bj")
    assert response.status_code == 200 and response.get_json()["status"] == "negotiating"
    for who in ("hb", "bj", "admin"):
        body = api.get(f"/interests/{interest}", as_=who).get_json()
        assert body["contacts"]["need"]["phone"] == NEED_PHONE and body["contacts"]["achievement"]["phone"] == ACH_PHONE
        assert body["accepted_at"].endswith("Z")
    outsider = api.get(f"/interests/{interest}", as_="tj")
    assert outsider.status_code == 404 and NEED_PHONE not in outsider.get_data(as_text=True)
    # Acceptance also opens the counterpart's posting contact (permissions.can_see_contact).
    assert api.get(f"/achievements/{pair['achievement']}", as_="hb").get_json()["contact_phone"] == ACH_PHONE
    assert "contact_phone" not in api.get(f"/achievements/{pair['achievement']}", as_="tj").get_json()
    again = api.post(f"/interests/{interest}/accept", as_="bj")
    assert again.status_code == 409
    with app.app_context():
        stored = db.session.get(Interest, interest)
        assert stored.accepted_by_id == world["bj"] and [e.to_status for e in stored.events] == [
            "proposed",
            "negotiating",
        ]


def test_decline_needs_a_reason_and_keeps_contacts_hidden(api, app, pair):
    interest = express(api, pair).get_json()["id"]
    refused = api.post(f"/interests/{interest}/decline", as_="bj", json={"reason": "   "})
    assert refused.status_code == 422 and "reason" in error_of(refused)["fields"]
    assert api.post(f"/interests/{interest}/decline", as_="bj").status_code == 415
    response = api.post(f"/interests/{interest}/decline", as_="bj", json={"reason": "目前产能已满。"})
    assert response.status_code == 200 and response.get_json()["decline_reason"] == "目前产能已满。"
    body = api.get(f"/interests/{interest}", as_="hb").get_json()
    assert body["status"] == "declined" and "contacts" not in body
    with app.app_context():
        assert db.session.get(Interest, interest).status == "declined"
    again = express(api, pair)  # the pair rests a week: the answer says how long, in seconds
    assert again.status_code == 429 and error_of(again)["code"] == "rate_limited"
    assert 7 * 24 * 3600 - 60 < int(again.headers["Retry-After"]) <= 7 * 24 * 3600


def test_list_mine(api, pair):
    interest = express(api, pair).get_json()["id"]
    for who, count in (("hb", 1), ("bj", 1), ("tj", 0)):
        body = api.get("/interests", as_=who).get_json()
        assert body["total"] == count and [i["id"] for i in body["items"]] == ([interest] if count else [])
    assert api.get("/interests").status_code == 401


def test_record_deal(api, app, pair):
    interest = express(api, pair).get_json()["id"]
    deal = {
        "contract_type": "license",
        "amount_wan": 66.5,
        "signed_on": date.today().isoformat(),
        "registration_no": "2026110100012345",
        "mark_achievement_transferred": True,
    }
    early = api.post(f"/interests/{interest}/deal", as_="hb", json=deal)
    assert early.status_code == 409  # not negotiating yet
    api.post(f"/interests/{interest}/accept", as_="bj")
    future = dict(deal, signed_on=(date.today() + timedelta(days=3)).isoformat())
    assert "signed_on" in error_of(api.post(f"/interests/{interest}/deal", as_="hb", json=future))["fields"]
    assert (
        "signed_on"
        in error_of(api.post(f"/interests/{interest}/deal", as_="hb", json=dict(deal, signed_on="1999-12-31")))[
            "fields"
        ]
    )
    assert api.post(f"/interests/{interest}/deal", as_="tj", json=deal).status_code == 404
    # The firm cannot close the institution's achievement (each side marks only its own posting).
    other_side = api.post(f"/interests/{interest}/deal", as_="hb", json=deal)
    assert other_side.status_code == 409 and "只能标记本方" in error_of(other_side)["message"]
    with app.app_context():
        assert db.session.query(Deal).count() == 0
    response = api.post(f"/interests/{interest}/deal", as_="bj", json=deal)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (
        body["status"] == "deal_signed"
        and body["deal"]["amount_wan"] == 66.5
        and body["deal"]["contract_type"] == "license"
    )
    with app.app_context():
        stored = db.session.query(Deal).one()
        assert stored.interest_id == interest and float(stored.amount_wan) == 66.5
        assert db.session.get(Achievement, pair["achievement"]).status == "transferred"
        assert db.session.get(Need, pair["need"]).status == "published"


def test_party_is_checked_before_the_body_is_read(api, pair):
    interest = express(api, pair).get_json()["id"]
    assert api.post(f"/interests/{interest}/decline", as_="admin", json={}).status_code == 403
    assert api.post(f"/interests/{interest}/decline", as_="hb", json={}).status_code == 403  # not the recipient
    assert api.post(f"/interests/{interest}/decline", as_="tj", json={}).status_code == 404
    assert api.post(f"/interests/{interest}/deal", as_="admin", json={}).status_code == 403
    assert api.post(f"/interests/{interest}/decline", as_="bj", json={}).status_code == 422


def test_contact_consent_withdrawn_and_given_again_through_the_api(api, app, pair):
    interest = express(api, pair).get_json()["id"]
    assert api.post(f"/interests/{interest}/contact", as_="hb", json={"consent": "withdraw"}).status_code == 409
    api.post(f"/interests/{interest}/accept", as_="bj")
    response = api.post(f"/interests/{interest}/contact", as_="hb", json={"consent": "withdraw"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["contact_withdrawn_at"]["need"] and body["contact_withdrawn_at"]["achievement"] is None
    seen_by_bj = api.get(f"/interests/{interest}", as_="bj")
    assert "need" not in seen_by_bj.get_json()["contacts"] and NEED_PHONE not in seen_by_bj.get_data(as_text=True)
    assert seen_by_bj.get_json()["contacts"]["achievement"]["phone"] == ACH_PHONE
    assert "contact_phone" not in api.get(f"/needs/{pair['need']}", as_="bj").get_json()
    bad = api.post(f"/interests/{interest}/contact", as_="hb", json={"consent": "later"})
    assert bad.status_code == 422
    assert api.post(f"/interests/{interest}/contact", as_="hb", json={"consent": "share"}).status_code == 200
    assert api.get(f"/interests/{interest}", as_="bj").get_json()["contacts"]["need"]["phone"] == NEED_PHONE
    with app.app_context():
        assert db.session.get(Interest, interest).need_contact_withdrawn_at is None
