"""Every challenge transition under concurrency, against a live server: one winner (303), 409 for the rest.

Same harness as tests/test_races.py (gunicorn, 2 workers × 8 threads, 12 requests at a barrier);
after each race the database holds one change and one audit row.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Challenge, ChallengeExpert, Deal, Milestone, Proposal, ProposalScore
from matchmaker.services.challenge_rules import today
from tests.challenges.support import awarded, evaluating_with_bid, firm_challenge, proposal_data, user
from tests.test_races import N, cookie, count, one_winner, page_post, race


def _audits(app, action: str) -> int:
    return count(app, select(AuditLog.id).where(AuditLog.action == action))


def _status(app, challenge_id: int) -> str:
    with app.app_context():
        return db.session.get(Challenge, challenge_id).status


@pytest.fixture
def ids(world, make):
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "邯郸", name="邯郸示例特钢有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["need1"] = make.need(world["hb_org"], field="building_materials")
    ids["need2"] = make.need(ids["hb2_org"], field="building_materials")
    ids["expert"] = make.user(make.org("university", "beijing", "海淀区"), email="expert@example.com")
    return ids


def test_share_confirmations_racing(app, live, ids):
    from decimal import Decimal

    from matchmaker.services import challenges
    from tests.challenges.support import challenge_data

    with app.app_context():
        data = challenge_data(shares={ids["hb_org"]: Decimal("200"), ids["hb2_org"]: Decimal("100")})
        challenge_id = challenges.create_from_needs(user(ids["admin"]), [ids["need1"], ids["need2"]], data).id
    hb2 = cookie(app, ids["hb2"])
    one_winner(race([page_post(live, hb2, f"/challenges/{challenge_id}/confirm") for _ in range(N)]), 303)
    assert _audits(app, "challenge_confirm") == 1


@pytest.mark.parametrize(
    "action, start, end, who", [("submit", "draft", "review", "hb"), ("evaluate", "open", "evaluating", "hb")]
)
def test_sponsor_moves_racing(app, live, ids, action, start, end, who):
    with app.app_context():
        challenge_id = firm_challenge(ids, start)
        if start == "open":
            challenge = db.session.get(Challenge, challenge_id)
            challenge.proposal_deadline = today() - timedelta(days=1)
            db.session.commit()
    raw = cookie(app, ids[who])
    one_winner(race([page_post(live, raw, f"/challenges/{challenge_id}/{action}") for _ in range(N)]), 303)
    assert _status(app, challenge_id) == end
    assert _audits(app, f"challenge_{action}") == 1


def test_publish_and_send_back_racing(app, live, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids, "review")
    admin = cookie(app, ids["admin"])
    requests = [page_post(live, admin, f"/challenges/{challenge_id}/review/publish") for _ in range(N // 2)]
    requests += [
        page_post(live, admin, f"/challenges/{challenge_id}/review/return", {"reason": "补充指标"})
        for _ in range(N // 2)
    ]
    one_winner(race(requests), 303)
    assert _status(app, challenge_id) in ("open", "draft")
    assert _audits(app, "challenge_publish") + _audits(app, "challenge_return") == 1


def test_closes_racing(app, live, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
    admin = cookie(app, ids["admin"])
    requests = [page_post(live, admin, f"/challenges/{challenge_id}/close", {"reason": "计划调整"}) for _ in range(N)]
    one_winner(race(requests), 303)
    assert _audits(app, "challenge_close") == 1


def test_bids_of_one_organization_racing(app, live, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
    bj = cookie(app, ids["bj"])
    due = (today() + timedelta(days=100)).isoformat()
    form = {
        "lead_person": "张教授",
        "team": "团队",
        "approach": "方案",
        "indicator_plans-0": "做法一",
        "indicator_plans-1": "做法二",
        "milestones-0-title": "交付",
        "milestones-0-due": due,
        "milestones-0-payment_wan": "250",
        "price_wan": "250",
        "trl": "5",
    }
    one_winner(race([page_post(live, bj, f"/challenges/{challenge_id}/proposals/new", form) for _ in range(N)]), 303)
    assert count(app, select(Proposal.id)) == 1 and _audits(app, "proposal_submit") == 1


def test_withdrawals_racing(app, live, ids):
    from matchmaker.services import proposals

    with app.app_context():
        challenge_id = firm_challenge(ids)
        proposal_id = proposals.submit(user(ids["bj"]), challenge_id, proposal_data()).id
    bj = cookie(app, ids["bj"])
    one_winner(race([page_post(live, bj, f"/proposals/{proposal_id}/withdraw") for _ in range(N)]), 303)
    assert _audits(app, "proposal_withdraw") == 1


def test_scores_racing(app, live, ids):
    with app.app_context():
        _challenge_id, proposal_id = evaluating_with_bid(ids)
    hb = cookie(app, ids["hb"])
    form = {"points-0": "45", "points-1": "25", "points-2": "18"}
    one_winner(race([page_post(live, hb, f"/proposals/{proposal_id}/scores", form) for _ in range(N)]), 303)
    assert count(app, select(ProposalScore.id)) == 1


def test_expert_appointments_racing(app, live, ids):
    with app.app_context():
        challenge_id = firm_challenge(ids)
    admin = cookie(app, ids["admin"])
    form = {"email": "expert@example.com"}
    one_winner(race([page_post(live, admin, f"/challenges/{challenge_id}/experts", form) for _ in range(N)]), 303)
    assert count(app, select(ChallengeExpert.id)) == 1


def test_awards_and_closes_racing(app, live, ids):
    with app.app_context():
        challenge_id, proposal_id = evaluating_with_bid(ids)
    admin = cookie(app, ids["admin"])
    award = {"proposal_id": str(proposal_id), "signed_on": today().isoformat()}
    requests = [page_post(live, admin, f"/challenges/{challenge_id}/award", award) for _ in range(N // 2)]
    requests += [page_post(live, admin, f"/challenges/{challenge_id}/close", {"reason": "无"}) for _ in range(N // 2)]
    one_winner(race(requests), 303)
    status = _status(app, challenge_id)
    assert count(app, select(Deal.id)) == (1 if status == "awarded" else 0)
    assert count(app, select(Milestone.id)) == (2 if status == "awarded" else 0)


@pytest.mark.parametrize("step", ["deliver", "accept"])
def test_milestone_steps_racing(app, live, ids, step):
    with app.app_context():
        challenge_id, _ = awarded(ids)
        milestone_id = db.session.scalar(
            select(Milestone.id).where(Milestone.challenge_id == challenge_id, Milestone.seq == 1)
        )
    who, form = (
        ("bj", {"note": "小试报告"})
        if step == "deliver"
        else ("hb", {"accepted_on": today().isoformat(), "note": "达标"})
    )
    raw = cookie(app, ids[who])
    one_winner(race([page_post(live, raw, f"/milestones/{milestone_id}/{step}", form) for _ in range(N)]), 303)
    assert _audits(app, f"milestone_{step}") == 1
