"""Proposals, scores, the award and the milestones: every transition and refusal (service level)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditLog, Challenge, Deal, Milestone, Proposal
from matchmaker.services import challenge_delivery, challenge_evaluation, challenges, proposals, stats
from matchmaker.services.challenge_rules import today
from matchmaker.services.errors import Conflict, DomainError, Forbidden, NotFound
from tests.challenges.support import (
    awarded,
    evaluating_with_bid,
    firm_challenge,
    invalid,
    pass_deadline,
    proposal_data,
    user,
)


@pytest.fixture
def ids(world, make):
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "邯郸", name="邯郸示例特钢有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["hbi_org"] = make.org("institute", "hebei", "石家庄", name="冀中材料研究所")
    ids["hbi"] = make.user(ids["hbi_org"], email="hbi@example.com")
    ids["expert_org"] = make.org("university", "beijing", "海淀区", name="京畿评审大学")
    ids["expert"] = make.user(ids["expert_org"], email="expert@example.com")
    ids["ach"] = make.achievement(world["bj_org"], title="钢渣碳酸化稳定化技术", field="building_materials")
    return ids


def test_bid_then_change_then_withdraw(ctx, ids):
    challenge_id = firm_challenge(ids)
    proposal = proposals.submit(user(ids["bj"]), challenge_id, proposal_data(achievement_ids=[ids["ach"]]))
    assert proposal.status == "submitted" and proposal.achievement_ids == [ids["ach"]]
    proposals.update(
        user(ids["bj"]),
        proposal.id,
        proposal_data(
            price_wan=Decimal("240"),
            milestones=[{"title": "一次交付", "due": today() + timedelta(days=200), "payment_wan": Decimal("240")}],
        ),
    )
    assert db.session.get(Proposal, proposal.id).price_wan == Decimal("240")
    proposals.withdraw(user(ids["bj"]), proposal.id)
    assert db.session.get(Proposal, proposal.id).status == "withdrawn"
    with pytest.raises(Conflict):
        proposals.withdraw(user(ids["bj"]), proposal.id)
    proposals.submit(user(ids["bj"]), challenge_id, proposal_data())  # withdrawn: a new one may come


def test_one_standing_proposal_per_lead(ctx, ids):
    challenge_id = firm_challenge(ids)
    proposals.submit(user(ids["bj"]), challenge_id, proposal_data())
    with pytest.raises(Conflict):
        proposals.submit(user(ids["bj"]), challenge_id, proposal_data())


@pytest.mark.parametrize(
    "who, message",
    [("hb2", "accepts proposals from"), ("hbi", "teams from"), ("hb", "sponsor"), ("admin", "accepts proposals from")],
)
def test_ineligible_bidders_refused_with_a_reason(ctx, ids, who, message):
    challenge_id = firm_challenge(ids)
    with pytest.raises(DomainError, match=message):
        proposals.submit(user(ids[who]), challenge_id, proposal_data())


def test_unverified_organization_refused(ctx, ids, make):
    org = make.org("university", "tianjin", "南开区", verified=False)
    member = make.user(org)
    challenge_id = firm_challenge(ids)
    with pytest.raises(DomainError, match="verified"):
        proposals.submit(user(member), challenge_id, proposal_data())


def _once(price: Decimal) -> dict:
    return {"title": "一次交付", "due": today() + timedelta(days=200), "payment_wan": price}


@pytest.mark.parametrize(
    "change, field, message",
    [
        (dict(trl=3), "trl", "TRL 4"),
        (dict(price_wan=Decimal("301"), milestones=[_once(Decimal("301"))]), "price_wan", "budget"),
        (dict(price_wan=Decimal("NaN")), "price_wan", "number"),
        (dict(price_wan=Decimal("200")), "milestones", "add up"),
        (dict(indicator_plans=["只有一条"]), "indicator_plans", "each indicator"),
        (dict(lead_person=""), "lead_person", "Required"),
        (dict(milestones=[]), "milestones", "Required"),
        (
            dict(milestones=[{"title": "过去", "due": today(), "payment_wan": Decimal("250")}]),
            "milestones.due",
            "future",
        ),
    ],
)
def test_bad_proposals_refused(ctx, ids, change, field, message):
    challenge_id = firm_challenge(ids)
    with invalid(field, message):
        proposals.submit(user(ids["bj"]), challenge_id, proposal_data(**change))


def test_unknown_achievements_refused(ctx, ids):
    challenge_id = firm_challenge(ids)
    with pytest.raises(DomainError, match="published achievements"):
        proposals.submit(user(ids["bj"]), challenge_id, proposal_data(achievement_ids=[999999]))


def test_partner_must_be_eligible_and_not_a_sponsor(ctx, ids):
    challenge_id = firm_challenge(ids)
    with pytest.raises(DomainError, match="partner"):
        proposals.submit(user(ids["bj"]), challenge_id, proposal_data(partner_org_ids=[ids["hb_org"]]))
    proposal = proposals.submit(user(ids["bj"]), challenge_id, proposal_data(partner_org_ids=[ids["tj_org"]]))
    assert proposal.bidder_org_ids == {ids["bj_org"], ids["tj_org"]}
    assert proposals.get_visible(user(ids["tj"]), proposal.id).id == proposal.id  # a partner reads it


def test_after_the_deadline_no_bid_no_change_no_withdrawal(ctx, ids):
    challenge_id = firm_challenge(ids)
    proposal = proposals.submit(user(ids["bj"]), challenge_id, proposal_data())
    pass_deadline(challenge_id)
    with pytest.raises(Conflict, match="deadline"):
        proposals.submit(user(ids["tj"]), challenge_id, proposal_data())
    with pytest.raises(Conflict):
        proposals.update(user(ids["bj"]), proposal.id, proposal_data(lead_person="李研究员"))
    with pytest.raises(Conflict):
        proposals.withdraw(user(ids["bj"]), proposal.id)


def test_proposals_are_confidential(ctx, ids):
    challenge_id = firm_challenge(ids)
    mine = proposals.submit(user(ids["bj"]), challenge_id, proposal_data())
    theirs = proposals.submit(user(ids["tj"]), challenge_id, proposal_data())
    for reader in ("hb", "admin", "bj"):
        assert proposals.get_visible(user(ids[reader]), mine.id).id == mine.id
    for outsider in ("tj", "hb2", "hbi", "expert"):  # another bidder, another firm, anyone
        with pytest.raises(NotFound):
            proposals.get_visible(user(ids[outsider]), mine.id)
    with pytest.raises(NotFound):
        proposals.get_visible(None, mine.id)
    challenge = db.session.get(Challenge, challenge_id)
    assert [p.id for p in proposals.for_challenge(user(ids["tj"]), challenge)] == [theirs.id]
    assert len(proposals.for_challenge(user(ids["hb"]), challenge)) == 2
    with pytest.raises(Forbidden):
        proposals.withdraw(user(ids["hb"]), mine.id)  # a sponsor reads it but cannot withdraw it


def test_scores_kept_per_evaluator_in_range(ctx, ids):
    challenge_id, proposal_id = evaluating_with_bid(ids)
    challenge_evaluation.appoint_expert(user(ids["admin"]), challenge_id, "expert@example.com")
    with pytest.raises(Conflict):
        challenge_evaluation.appoint_expert(user(ids["admin"]), challenge_id, "expert@example.com")
    for points, message in (
        ([51, 20, 10], "between 0 and 50"),
        ([-1, 20, 10], "at least 0"),
        (["NaN", 1, 1], "number"),
    ):
        with invalid("points", message):
            challenge_evaluation.score(user(ids["expert"]), proposal_id, points)
    with invalid("points", "every criterion"):
        challenge_evaluation.score(user(ids["expert"]), proposal_id, [10, 10])
    challenge_evaluation.score(user(ids["expert"]), proposal_id, [40, 20, 15])
    challenge_evaluation.score(user(ids["hb"]), proposal_id, [30, 20, 10])
    with pytest.raises(Conflict):
        challenge_evaluation.score(user(ids["hb"]), proposal_id, [30, 20, 10])
    with pytest.raises(NotFound):  # not an evaluator, and not allowed to read it
        challenge_evaluation.score(user(ids["hb2"]), proposal_id, [30, 20, 10])
    [row] = challenge_evaluation.ranking(user(ids["hb"]), db.session.get(Challenge, challenge_id))
    assert row.count == 2 and row.mean == pytest.approx(67.5)


def test_conflicted_evaluators_refused(ctx, ids):
    challenge_id = firm_challenge(ids)
    challenge_evaluation.appoint_expert(user(ids["admin"]), challenge_id, "expert@example.com")
    proposal = proposals.submit(user(ids["bj"]), challenge_id, proposal_data(partner_org_ids=[ids["expert_org"]]))
    pass_deadline(challenge_id)
    challenges.start_evaluation(user(ids["admin"]), challenge_id)
    with pytest.raises(Forbidden, match="conflict"):
        challenge_evaluation.score(user(ids["expert"]), proposal.id, [40, 20, 15])
    with pytest.raises(DomainError, match="conflict"):  # a bidder's member cannot be appointed either
        challenge_evaluation.appoint_expert(user(ids["admin"]), challenge_id, "bj@example.com")


def test_scores_only_while_evaluating(ctx, ids):
    challenge_id = firm_challenge(ids)
    proposal = proposals.submit(user(ids["bj"]), challenge_id, proposal_data())
    with pytest.raises(Conflict):
        challenge_evaluation.score(user(ids["hb"]), proposal.id, [40, 20, 15])


def test_award_makes_agreement_and_deal(ctx, ids):
    challenge_id, proposal_id = evaluating_with_bid(ids)
    with pytest.raises(Forbidden):
        challenge_evaluation.award(user(ids["hb"]), challenge_id, proposal_id, today())
    with invalid("signed_on", "future"):
        challenge_evaluation.award(user(ids["admin"]), challenge_id, proposal_id, today() + timedelta(days=1))
    with invalid("registration_no", "Letters"):
        challenge_evaluation.award(user(ids["admin"]), challenge_id, proposal_id, today(), "12 34;")
    challenge_evaluation.award(user(ids["admin"]), challenge_id, proposal_id, today(), "2026110100123")
    challenge = db.session.get(Challenge, challenge_id)
    assert challenge.status == "awarded" and challenge.awarded_proposal.id == proposal_id
    assert [m.seq for m in challenge.milestones] == [1, 2] and challenge.milestones[0].payment_wan == Decimal("80")
    deal = db.session.scalar(select(Deal).where(Deal.challenge_id == challenge_id))
    assert deal.contract_type == "development" and deal.amount_wan == Decimal("250") and deal.interest_id is None
    assert {"from": "beijing", "to": "hebei", "deals": 1, "amount_wan": 250.0} in stats.deal_flows()
    with pytest.raises(Conflict):
        challenge_evaluation.award(user(ids["admin"]), challenge_id, proposal_id, today())
    assert "challenge_award" in db.session.scalars(select(AuditLog.action)).all()


def test_award_without_a_winner_is_a_close_with_reason(ctx, ids):
    challenge_id, proposal_id = evaluating_with_bid(ids)
    with pytest.raises(DomainError):
        challenges.close_without_award(user(ids["admin"]), challenge_id, "  ")
    challenges.close_without_award(user(ids["admin"]), challenge_id, "方案均未达到指标要求")
    assert db.session.get(Proposal, proposal_id).status == "not_awarded"
    assert db.session.scalar(select(Deal.id)) is None


def test_milestones_delivered_and_accepted(ctx, ids):
    challenge_id, _proposal_id = awarded(ids)
    first = db.session.scalar(select(Milestone).where(Milestone.challenge_id == challenge_id, Milestone.seq == 1))
    with pytest.raises(Forbidden):
        challenge_delivery.deliver(user(ids["hb"]), first.id, "x")
    with pytest.raises(NotFound):
        challenge_delivery.deliver(user(ids["tj"]), first.id, "x")
    challenge_delivery.deliver(user(ids["bj"]), first.id, "小试报告与配方")
    with pytest.raises(Conflict):
        challenge_delivery.deliver(user(ids["bj"]), first.id, "again")
    with pytest.raises(Forbidden):
        challenge_delivery.accept(user(ids["bj"]), first.id, today(), "自己验收")
    with pytest.raises(DomainError):
        challenge_delivery.accept(user(ids["hb"]), first.id, today() + timedelta(days=2), "未来")
    challenge_delivery.accept(user(ids["hb"]), first.id, today(), "游离氧化钙2.4%，达标")
    milestone = db.session.get(Milestone, first.id)
    assert milestone.status == "accepted" and milestone.accepted_on == today() and "达标" in milestone.acceptance_note
    with pytest.raises(Conflict):
        challenge_delivery.accept(user(ids["admin"]), first.id, today(), "again")


def test_planned_milestone_past_due_shows_late(ctx, ids):
    challenge_id, _ = awarded(ids)
    milestone = db.session.scalar(select(Milestone).where(Milestone.challenge_id == challenge_id))
    assert milestone.shown_status(today()) == "planned"
    assert milestone.shown_status(milestone.due_on + timedelta(days=1)) == "late"


def test_dashboard_figures(ctx, ids):
    from matchmaker.services import challenge_stats

    awarded(ids)
    firm_challenge(ids, "draft")
    figures = challenge_stats.figures()
    assert figures["by_status"]["awarded"] == 1 and figures["by_status"]["draft"] == 1
    assert figures["by_field"] == {"building_materials": 1}
    assert figures["budget_posted_wan"] == 300.0 and figures["budget_awarded_wan"] == 250.0
    assert figures["proposals"] == 1 and figures["proposals_per_challenge"] == 1.0
    assert figures["hebei_awards"] == 1 and figures["jingjin_share"] == 1.0
    assert figures["days_to_award"] is not None and figures["days_to_award"] >= 0
