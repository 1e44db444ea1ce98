"""Challenges through the API: the whole journey, confidentiality, and every refusal on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Challenge, Deal, Milestone, ProposalScore
from matchmaker.services import challenge_evaluation, challenges, proposals
from matchmaker.services.challenge_rules import today
from tests.api.conftest import Api, error_of
from tests.challenges.support import evaluating_with_bid, firm_challenge, pass_deadline, proposal_data, user
from tests.test_races import N, api_post, count, live, one_winner, race, token  # noqa: F401  (live: a fixture)

CHALLENGE = {
    "title": "转炉钢渣高值化利用联合攻关",
    "field": "building_materials",
    "keywords": ["钢渣", "固废利用"],
    "problem": "钢渣游离氧化钙高，安定性不良。",
    "key_points": "稳定化处理与活性激发。",
    "goals": "建成10万吨/年示范线。",
    "indicators": [
        {"name": "游离氧化钙含量", "target": "≤ 3", "unit": "%"},
        {"name": "钢渣综合利用率", "target": "≥ 90", "unit": "%"},
    ],
    "criteria": [{"name": "技术方案", "weight": 50}, {"name": "团队", "weight": 30}, {"name": "报价", "weight": 20}],
    "budget_wan": 300,
    "delivery_months": 18,
    "eligible_regions": ["beijing", "tianjin"],
    "eligible_kinds": ["university", "institute"],
    "min_trl": 4,
    "ip_terms": "新产生的知识产权双方共有。",
}


def challenge_json(**kw) -> dict:
    return {**CHALLENGE, "proposal_deadline": (today() + timedelta(days=30)).isoformat(), **kw}


def proposal_json(**kw) -> dict:
    return {
        "lead_person": "张教授",
        "team": "固废资源化团队",
        "approach": "热闷+碳酸化稳定化。",
        "indicator_plans": ["碳酸化后≤2.5%", "三条路线合计利用率92%"],
        "milestones": [
            {"title": "小试", "due": (today() + timedelta(days=100)).isoformat(), "payment_wan": 100},
            {"title": "示范线", "due": (today() + timedelta(days=300)).isoformat(), "payment_wan": 150},
        ],
        "price_wan": 250,
        "trl": 5,
        **kw,
    }


@pytest.fixture
def ids(world, make):
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "邯郸", name="邯郸示例特钢有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["expert_org"] = make.org("university", "beijing", "海淀区", name="京畿评审大学")
    ids["expert"] = make.user(ids["expert_org"], email="expert@example.com")
    return ids


@pytest.fixture
def api(app, client, ids) -> Api:
    """The API client, with tokens for these ids too (another firm, an expert)."""
    return Api(app, client, ids)


def _open(app, ids, **kw) -> int:
    with app.app_context():
        return firm_challenge(ids, **kw)


def test_create_submit_publish_bid_score_award(app, api, ids):
    created = api.post("/challenges", as_="hb", json=challenge_json())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    challenge_id = body["id"]
    assert body["status"] == "draft" and body["sponsors"][0]["share_wan"] == 300.0 and body["sponsors"][0]["confirmed"]
    assert created.headers["Location"].endswith(f"/api/v1/challenges/{challenge_id}")
    assert api.get(f"/challenges/{challenge_id}", as_="bj").status_code == 404  # a draft is its sponsors'
    patched = api.patch(f"/challenges/{challenge_id}", as_="hb", json={"budget_wan": 320})
    assert patched.status_code == 200 and patched.get_json()["sponsors"][0]["share_wan"] == 320.0
    assert patched.get_json()["title"] == CHALLENGE["title"]  # what a PATCH does not send stays
    assert api.post(f"/challenges/{challenge_id}/submit", as_="hb").get_json()["status"] == "review"
    assert api.post(f"/challenges/{challenge_id}/publish", as_="hb").status_code == 403
    assert api.post(f"/challenges/{challenge_id}/publish", as_="admin").get_json()["status"] == "open"
    listed = api.get("/challenges?field=building_materials&status=open&budget_min=100").get_json()
    assert [c["id"] for c in listed["items"]] == [challenge_id] and "review_note" not in listed["items"][0]
    assert api.get("/challenges?field=food").get_json()["total"] == 0

    bid = api.post(f"/challenges/{challenge_id}/proposals", as_="bj", json=proposal_json())
    assert bid.status_code == 201, bid.get_json()
    proposal_id = bid.get_json()["id"]
    assert bid.get_json()["organization"]["id"] == ids["bj_org"] and bid.get_json()["milestones"][0]["due"]
    with app.app_context():
        pass_deadline(challenge_id)
        challenges.start_evaluation(user(ids["hb"]), challenge_id)
    scored = api.post(f"/proposals/{proposal_id}/scores", as_="hb", json={"points": [45, 25, 18], "comment": "扎实"})
    assert scored.status_code == 201 and scored.get_json()["total"] == 88.0 and scored.get_json()["role"] == "sponsor"
    assert api.post(f"/proposals/{proposal_id}/scores", as_="hb", json={"points": [45, 25, 18]}).status_code == 409

    award = {"proposal_id": proposal_id, "signed_on": today().isoformat(), "registration_no": "2026110100123"}
    assert api.post(f"/challenges/{challenge_id}/award", as_="hb", json=award).status_code == 403
    awarded = api.post(f"/challenges/{challenge_id}/award", as_="admin", json=award)
    assert awarded.status_code == 200, awarded.get_json()
    out = awarded.get_json()
    assert out["status"] == "awarded" and out["awarded_proposal_id"] == proposal_id
    assert [m["title"] for m in out["milestones"]] == ["小试", "示范线"] and out["milestones"][0]["status"] == "planned"
    assert "milestones" in api.get(f"/challenges/{challenge_id}", as_="bj").get_json()  # the winning team
    assert "milestones" not in api.get(f"/challenges/{challenge_id}").get_json()  # the public
    assert api.post(f"/challenges/{challenge_id}/award", as_="admin", json=award).status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Deal.registration_no)) == "2026110100123"
        assert db.session.get(Challenge, challenge_id).status == "awarded"


def test_proposals_are_confidential(app, api, ids):
    challenge_id = _open(app, ids)
    with app.app_context():
        mine = proposals.submit(user(ids["bj"]), challenge_id, proposal_data()).id
        theirs = proposals.submit(user(ids["tj"]), challenge_id, proposal_data()).id
    for reader in ("bj", "hb", "admin"):
        assert api.get(f"/proposals/{mine}", as_=reader).status_code == 200
    for outsider in ("tj", "hb2", "expert"):
        assert error_of(api.get(f"/proposals/{mine}", as_=outsider))["code"] == "not_found"
    assert api.get(f"/proposals/{mine}").status_code == 401
    assert api.get("/proposals/99999", as_="tj").status_code == 404  # the same answer whether or not it exists
    listed = api.get(f"/challenges/{challenge_id}/proposals", as_="tj").get_json()
    assert [p["id"] for p in listed["items"]] == [theirs] and listed["total"] == 1
    assert {p["id"] for p in api.get(f"/challenges/{challenge_id}/proposals", as_="hb").get_json()["items"]} == {
        mine,
        theirs,
    }
    assert api.get(f"/challenges/{challenge_id}/proposals", as_="hb2").get_json()["items"] == []
    assert "张教授" not in api.get(f"/challenges/{challenge_id}", as_="tj").get_data(as_text=True)


def test_bids_refused(app, api, ids):
    challenge_id = _open(app, ids)
    own = api.post(f"/challenges/{challenge_id}/proposals", as_="hb", json=proposal_json(), lang="en")
    assert own.status_code == 409 and "sponsor cannot bid" in error_of(own)["message"]
    wrong = api.post(
        f"/challenges/{challenge_id}/proposals", as_="bj", json=proposal_json(trl=3, indicator_plans=["只有一条"])
    )
    assert wrong.status_code == 422 and set(error_of(wrong)["fields"]) == {"trl", "indicator_plans"}
    unsummed = api.post(f"/challenges/{challenge_id}/proposals", as_="bj", json=proposal_json(price_wan=260))
    assert unsummed.status_code == 422 and "milestones" in error_of(unsummed)["fields"]
    unknown = api.post(f"/challenges/{challenge_id}/proposals", as_="bj", json=proposal_json(status="awarded"))
    assert unknown.status_code == 422 and "status" in error_of(unknown)["fields"]
    with app.app_context():
        pass_deadline(challenge_id)
    late = api.post(f"/challenges/{challenge_id}/proposals", as_="bj", json=proposal_json(), lang="en")
    assert late.status_code == 409 and "deadline" in error_of(late)["message"]


def test_challenge_input_refused(api, ids):
    weights = [{"name": "方案", "weight": 60}, {"name": "报价", "weight": 30}]
    bad = api.post("/challenges", as_="hb", json=challenge_json(criteria=weights, budget_wan=0), lang="en")
    assert bad.status_code == 422
    fields = error_of(bad)["fields"]
    assert "budget_wan" in fields  # field errors first; the weights' sum once the fields are right
    unsummed = api.post("/challenges", as_="hb", json=challenge_json(criteria=weights), lang="en")
    assert "add up to 100" in error_of(unsummed)["fields"]["criteria"]
    assert api.post("/challenges", as_="bj", json=challenge_json()).status_code == 403  # institutions do not post
    assert api.post("/challenges", as_="admin", json=challenge_json()).status_code == 403


def test_scores_refused_out_of_range_and_for_conflicted_evaluators(app, api, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
        challenge_evaluation.appoint_expert(user(ids["admin"]), challenge_id, "expert@example.com")
        proposal_id = proposals.submit(
            user(ids["bj"]), challenge_id, proposal_data(partner_org_ids=[ids["expert_org"]])
        ).id
        pass_deadline(challenge_id)
        challenges.start_evaluation(user(ids["hb"]), challenge_id)
    too_high = api.post(f"/proposals/{proposal_id}/scores", as_="hb", json={"points": [55, 10, 5]}, lang="en")
    assert too_high.status_code == 422 and "between 0 and 50" in error_of(too_high)["fields"]["points"]
    for points in ([-1, 10, 5], [10, 10], ["10", 10, 5]):
        assert api.post(f"/proposals/{proposal_id}/scores", as_="hb", json={"points": points}).status_code == 422
    conflicted = api.post(f"/proposals/{proposal_id}/scores", as_="expert", json={"points": [40, 20, 15]}, lang="en")
    assert conflicted.status_code == 403 and "conflict" in error_of(conflicted)["message"]
    assert api.post(f"/proposals/{proposal_id}/scores", as_="bj", json={"points": [50, 30, 20]}).status_code == 403
    assert api.post(f"/proposals/{proposal_id}/scores", as_="hb2", json={"points": [1, 1, 1]}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(ProposalScore.id)) is None


def test_close_and_publish_are_admins(app, api, ids):
    challenge_id = _open(app, ids)
    assert api.post(f"/challenges/{challenge_id}/close", as_="hb", json={"reason": "调整"}).status_code == 403
    assert api.post(f"/challenges/{challenge_id}/close", as_="admin", json={"reason": " "}).status_code == 422
    closed = api.post(f"/challenges/{challenge_id}/close", as_="admin", json={"reason": "出资方调整计划"})
    assert closed.status_code == 200 and closed.get_json()["close_reason"] == "出资方调整计划"
    assert api.post(f"/challenges/{challenge_id}/publish", as_="admin").status_code == 409


def test_concurrent_awards_one_winner(app, live, ids):  # noqa: F811
    with app.app_context():
        challenge_id, proposal_id = evaluating_with_bid(ids)
    raw = token(app, ids["admin"])
    body = {"proposal_id": proposal_id, "signed_on": today().isoformat()}
    one_winner(race([api_post(live, raw, f"/challenges/{challenge_id}/award", body) for _ in range(N)]), 200)
    assert count(app, select(Deal.id)) == 1 and count(app, select(Milestone.id)) == 2
