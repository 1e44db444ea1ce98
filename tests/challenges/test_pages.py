"""The challenge pages through the test client: forms in, pages and refusals out (Chinese by default)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Challenge, Deal, Milestone, Proposal
from matchmaker.services.challenge_rules import today
from tests.challenges.support import awarded, evaluating_with_bid, firm_challenge
from tests.conftest import login


@pytest.fixture
def ids(world, make):
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "邯郸", name="邯郸示例特钢有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["need1"] = make.need(world["hb_org"], title="转炉钢渣堆存量大", field="building_materials")
    ids["need2"] = make.need(ids["hb2_org"], title="电炉钢渣稳定化利用", field="building_materials")
    return ids


def _in(app, ids, who):
    client = app.test_client()
    if who:
        login(client, app, ids[who])
    return client


def challenge_form(**kw) -> dict:
    form = {
        "title": "转炉钢渣高值化利用联合攻关",
        "field": "building_materials",
        "keywords": "钢渣、固废利用",
        "problem": "钢渣游离氧化钙高，安定性不良。",
        "key_points": "稳定化处理与活性激发。",
        "goals": "建成10万吨/年示范线。",
        "indicators-0-name": "游离氧化钙含量",
        "indicators-0-target": "≤ 3",
        "indicators-0-unit": "%",
        "criteria-0-name": "技术方案",
        "criteria-0-weight": "60",
        "criteria-1-name": "报价",
        "criteria-1-weight": "40",
        "budget_wan": "300",
        "proposal_deadline": (today() + timedelta(days=30)).isoformat(),
        "delivery_months": "18",
        "eligible_regions": ["beijing", "tianjin"],
        "eligible_kinds": ["university", "institute"],
        "min_trl": "4",
        "ip_terms": "新产生的知识产权双方共有。",
    }
    form.update(kw)
    return form


def test_public_list_and_detail(app, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
        draft_id = firm_challenge(ids, "draft", title="尚未发布的草稿榜单")
    client = _in(app, ids, None)
    page = client.get("/challenges/").get_data(as_text=True)
    assert "转炉钢渣高值化利用联合攻关" in page and "尚未发布" not in page and "揭榜中" in page and "天" in page
    assert client.get(f"/challenges/{challenge_id}").status_code == 200
    assert client.get(f"/challenges/{draft_id}").status_code == 404
    filtered = client.get("/challenges/?field=food").get_data(as_text=True)
    assert "转炉钢渣高值化利用联合攻关" not in filtered
    assert client.get("/challenges/?region=hebei&budget_min=100").status_code == 200
    nan = client.get("/challenges/?budget_min=NaN")
    assert nan.status_code == 200 and "转炉钢渣高值化利用联合攻关" not in nan.get_data(as_text=True)


def test_firm_posts_a_challenge_and_errors_are_shown_in_chinese(app, ids):
    client = _in(app, ids, "hb")
    bad = client.post("/challenges/new", data=challenge_form(**{"criteria-1-weight": "30"}))
    assert bad.status_code == 400 and "100" in bad.get_data(as_text=True)
    ok = client.post("/challenges/new", data=challenge_form())
    assert ok.status_code == 303
    with app.app_context():
        challenge = db.session.scalar(select(Challenge))
        assert challenge.status == "draft" and challenge.indicators[0]["name"] == "游离氧化钙含量"
        challenge_id = challenge.id
    assert client.post(f"/challenges/{challenge_id}/submit").status_code == 303
    assert _in(app, ids, "bj").get("/challenges/new").status_code == 403


def test_admin_turns_common_need_into_challenge(app, ids):
    admin = _in(app, ids, "admin")
    form_page = admin.get(f"/challenges/new?needs={ids['need1']},{ids['need2']}")
    assert form_page.status_code == 200 and "邯郸示例特钢有限公司" in form_page.get_data(as_text=True)
    data = challenge_form(
        **{
            "shares-0-organization_id": str(ids["hb_org"]),
            "shares-0-share_wan": "200",
            "shares-1-organization_id": str(ids["hb2_org"]),
            "shares-1-share_wan": "100",
        }
    )
    response = admin.post(f"/challenges/new?needs={ids['need1']},{ids['need2']}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    assert admin.get("/challenges/new?needs=abc").status_code == 404
    assert admin.get(f"/challenges/new?needs={ids['need1']},99999999").status_code == 404


def test_bid_score_award_accept_through_pages(app, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
    bj = _in(app, ids, "bj")
    form = bj.get(f"/challenges/{challenge_id}/proposals/new")
    assert form.status_code == 200
    due1, due2 = (today() + timedelta(days=100)).isoformat(), (today() + timedelta(days=300)).isoformat()
    data = {
        "lead_person": "张教授",
        "team": "固废资源化团队",
        "approach": "热闷+碳酸化",
        "indicator_plans-0": "碳酸化后≤2.5%",
        "indicator_plans-1": "三条路线利用率92%",
        "milestones-0-title": "小试",
        "milestones-0-due": due1,
        "milestones-0-payment_wan": "100",
        "milestones-1-title": "示范线",
        "milestones-1-due": due2,
        "milestones-1-payment_wan": "150",
        "price_wan": "250",
        "trl": "5",
    }
    bad = bj.post(f"/challenges/{challenge_id}/proposals/new", data={**data, "price_wan": "260"})
    assert bad.status_code == 400 and "各里程碑付款之和须等于报价" in bad.get_data(as_text=True), re.findall(
        r"class=\"error[^<]*<", bad.get_data(as_text=True)
    )
    ok = bj.post(f"/challenges/{challenge_id}/proposals/new", data=data)
    assert ok.status_code == 303
    with app.app_context():
        proposal_id = db.session.scalar(select(Proposal.id))
        challenge = db.session.get(Challenge, challenge_id)
        challenge.proposal_deadline = today() - timedelta(days=1)
        db.session.commit()
    assert _in(app, ids, "tj").get(f"/proposals/{proposal_id}").status_code == 404
    hb = _in(app, ids, "hb")
    assert "张教授" in hb.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert hb.post(f"/challenges/{challenge_id}/evaluate").status_code == 303
    too_high = hb.post(f"/proposals/{proposal_id}/scores", data={"points-0": "55", "points-1": "10", "points-2": "5"})
    assert too_high.status_code == 303
    assert "“技术方案”的得分须在 0 到 50 之间" in hb.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert (
        hb.post(
            f"/proposals/{proposal_id}/scores", data={"points-0": "45", "points-1": "25", "points-2": "18"}
        ).status_code
        == 303
    )
    ranking = hb.get(f"/challenges/{challenge_id}/proposals").get_data(as_text=True)
    assert "88.0" in ranking
    admin = _in(app, ids, "admin")
    award = admin.post(
        f"/challenges/{challenge_id}/award",
        data={"proposal_id": str(proposal_id), "signed_on": today().isoformat(), "registration_no": "2026110100123"},
    )
    assert award.status_code == 303
    with app.app_context():
        milestone_id = db.session.scalar(select(Milestone.id).where(Milestone.seq == 1))
        assert db.session.scalar(select(Deal.registration_no)) == "2026110100123"
    page = hb.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "里程碑" in page and "小试" in page
    assert _in(app, ids, None).get(f"/challenges/{challenge_id}").get_data(as_text=True).count("小试") == 0
    accept = hb.post(f"/milestones/{milestone_id}/accept", data={"accepted_on": today().isoformat(), "note": "达标"})
    assert accept.status_code == 303
    assert "已验收" in hb.get(f"/challenges/{challenge_id}").get_data(as_text=True)


def test_refusals_as_pages(app, ids):
    with app.app_context():
        challenge_id, proposal_id = evaluating_with_bid(ids)
    hb2 = _in(app, ids, "hb2")
    assert hb2.get(f"/proposals/{proposal_id}").status_code == 404
    assert hb2.get(f"/challenges/{challenge_id}/proposals").status_code == 404
    assert hb2.post(f"/proposals/{proposal_id}/scores", data={"points-0": "1"}).status_code == 404
    assert _in(app, ids, "hb").post(f"/challenges/{challenge_id}/evaluate").status_code == 409
    late = _in(app, ids, "tj").get(f"/challenges/{challenge_id}/proposals/new")
    assert late.status_code == 303


def test_mine_lists_sponsored_and_bids(app, ids):
    with app.app_context():
        awarded(ids)
    assert "转炉钢渣" in _in(app, ids, "hb").get("/me/challenges").get_data(as_text=True)
    assert "中榜" in _in(app, ids, "bj").get("/me/challenges").get_data(as_text=True)


def test_dashboard_shows_challenge_figures_and_cluster_button(app, ids):
    with app.app_context():
        awarded(ids)
    page = _in(app, ids, "admin").get("/admin/dashboard").get_data(as_text=True)
    assert "揭榜挂帅榜单" in page and "已授榜" in page and "100%" in page
