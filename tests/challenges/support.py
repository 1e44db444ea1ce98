"""Builders for the challenge tests: a challenge's data, a proposal's, and a challenge brought to any status."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.models import Challenge, User
from matchmaker.schemas import InvalidInput
from matchmaker.services import challenge_evaluation, challenges, proposals
from matchmaker.services.challenge_rules import today


def challenge_data(**kw) -> dict:
    """A challenge's input (``ChallengeInput``); ``shares`` may be given as {organization id: 万元}."""
    fields = dict(
        title="转炉钢渣高值化利用联合攻关",
        field="building_materials",
        problem="钢渣中游离氧化钙含量高，安定性不良，难以大掺量用于水泥和混凝土。",
        key_points="钢渣稳定化处理与活性激发工艺。",
        goals="形成年处理10万吨钢渣的稳定化示范线。",
        indicators=[
            {"name": "游离氧化钙含量", "target": "≤ 3", "unit": "%"},
            {"name": "钢渣综合利用率", "target": "≥ 90", "unit": "%"},
        ],
        criteria=[
            {"name": "技术方案", "weight": 50},
            {"name": "团队与基础", "weight": 30},
            {"name": "报价", "weight": 20},
        ],
        budget_wan=Decimal("300"),
        proposal_deadline=today() + timedelta(days=30),
        delivery_months=18,
        eligible_regions=["beijing", "tianjin"],
        eligible_kinds=["university", "institute"],
        min_trl=4,
        ip_terms="背景知识产权归各方所有，项目新产生的知识产权由出资方与揭榜方共有。",
        keywords=["钢渣", "固废利用"],
    )
    fields.update(kw)
    if isinstance(fields.get("shares"), dict):
        fields["shares"] = [{"organization_id": k, "share_wan": v} for k, v in fields["shares"].items()]
    return fields


def proposal_data(**kw) -> dict:
    fields = dict(
        lead_person="张教授",
        team="冶金与生态工程学院固废资源化团队，教授3人、博士后2人。",
        approach="余热自解热闷+碳酸化稳定化，配合复合激发剂制备钢渣微粉。",
        indicator_plans=["热闷后碳酸化处理，游离氧化钙降至2.5%以下。", "微粉、骨料与路基料三条路线合计利用率92%。"],
        milestones=[
            {"title": "小试配方确定", "due": today() + timedelta(days=120), "payment_wan": Decimal("80")},
            {"title": "示范线投运", "due": today() + timedelta(days=400), "payment_wan": Decimal("170")},
        ],
        price_wan=Decimal("250"),
        trl=5,
    )
    fields.update(kw)
    return fields


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def firm_challenge(ids: dict, status: str = "open", **kw) -> int:
    """A single-firm challenge of hb's, taken to ``status`` (open, evaluating...) the way users would."""
    challenge = challenges.create(user(ids["hb"]), challenge_data(**kw))
    if status == "draft":
        return challenge.id
    challenges.submit(user(ids["hb"]), challenge.id)
    if status == "review":
        return challenge.id
    challenges.publish(user(ids["admin"]), challenge.id)
    return challenge.id


def pass_deadline(challenge_id: int) -> None:
    challenge = db.session.get(Challenge, challenge_id)
    challenge.proposal_deadline = today() - timedelta(days=1)
    db.session.commit()


def evaluating_with_bid(ids: dict, bidder: str = "bj") -> tuple[int, int]:
    """An open challenge, a bid from ``bidder``'s organization, the deadline passed, evaluation started."""
    challenge_id = firm_challenge(ids)
    proposal = proposals.submit(user(ids[bidder]), challenge_id, proposal_data())
    pass_deadline(challenge_id)
    challenges.start_evaluation(user(ids["hb"]), challenge_id)
    return challenge_id, proposal.id


def awarded(ids: dict) -> tuple[int, int]:
    challenge_id, proposal_id = evaluating_with_bid(ids)
    challenge_evaluation.score(user(ids["hb"]), proposal_id, [45, 25, 18], "方案扎实")
    challenge_evaluation.award(user(ids["admin"]), challenge_id, proposal_id, today(), "2026110100123")
    return challenge_id, proposal_id


@contextmanager
def invalid(field: str, text: str = ""):
    """The block raises InvalidInput naming ``field``, with ``text`` in its message."""
    with pytest.raises(InvalidInput) as error:
        yield
    assert text in error.value.fields.get(field, ""), error.value.fields
