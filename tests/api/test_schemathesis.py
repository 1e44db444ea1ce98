"""Property-based run of every operation in /api/v1/openapi.json, in process, once per role.

schemathesis generates valid and invalid requests from the document and checks each answer with
all its default checks (no server error, documented status, content type and schema, invalid data
refused, valid data accepted, authentication enforced, …). A small world is seeded once per role
so reads find objects, and drawn ids are steered to the seeded ones two times in three.

Two kinds of rule cannot be written in JSON Schema: dates relative to today (a deadline not in the
past, a signing date not in the future) and a minimum not above its maximum (also the stored one,
when a PATCH sends only one bound). The document states them in words; ``within_rules`` keeps the
generated *valid* bodies within them, as a client reading the document would. test_postings.py and
test_interests.py prove that breaking them is refused with 422. The challenges add rules of the same
kinds (criteria weights adding up to 100, milestones in date order adding up to the price, a centre's
share within the budget) and rules held against the challenge (one plan per indicator, a price within
its budget, a maturity at least its minimum, points up to each criterion's weight): ``within_rules``
keeps valid bodies within those of the seeded challenges, which all share one set of indicators,
criteria, budget and minimum; test_challenges.py proves that breaking them is refused with 422.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from matchmaker.app import create_app
from matchmaker.converters import MAX_ID
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.services import interests as interest_service
from matchmaker.services import tokens
from tests.conftest import Factory, _empty_tables

ROLES = {"anonymous": None, "institution": "bj", "firm": "hb", "admin": "admin", "other": "tj"}
# Every phase (examples, the coverage phase's boundary values and probes, random generation) for an
# institution and an admin (who may post, edit and review both kinds); random generation only for
# the firm, anonymous calls and another institution (test_*.py check their answers in detail).
# The split keeps the run near a minute on two cores.
FULL, LIGHT = ("institution", "admin"), ("firm", "anonymous", "other")
RANGES = (("price_min", "price_max"), ("budget_min", "budget_max"))
# What the seeded challenges ask (tests.challenges.support.challenge_data).
INDICATORS, WEIGHTS, BUDGET, MIN_TRL = 2, (50, 30, 20), 300, 4

# The document does not depend on the database: a throw-away app serves it when pytest collects.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
)


def seed(app) -> dict:
    """The ``world`` of conftest, plus published, pending and draft postings and two interests."""
    make = Factory(app)
    ids = {
        "bj_org": make.org("university", "beijing", "海淀区", name="京华理工大学"),
        "tj_org": make.org("institute", "tianjin", "滨海新区", name="津沽材料研究院"),
        "hb_org": make.org("firm", "hebei", "唐山", name="冀东新材料有限公司"),
        "admin_org": make.org("agency", "beijing", "西城区", name="技术转移服务中心"),
    }
    for key, role in (("bj", "member"), ("tj", "member"), ("hb", "member"), ("admin", "admin")):
        ids[key] = make.user(ids[f"{key}_org"], role=role, email=f"{key}@example.com")
    ids["achievements"] = [
        make.achievement(ids["bj_org"]),
        make.achievement(ids["tj_org"], field="steel", title="钢渣余热回收"),
        make.achievement(ids["bj_org"], status="pending"),
        make.achievement(ids["bj_org"], status="draft"),
    ]
    ids["needs"] = [
        make.need(ids["hb_org"]),
        make.need(ids["hb_org"], status="pending", title="焦化废水深度处理"),
        make.need(ids["hb_org"], status="draft"),
    ]
    with app.app_context():
        hb, tj = db.session.get(User, ids["hb"]), db.session.get(User, ids["tj"])
        first = interest_service.express(hb, ids["needs"][0], ids["achievements"][0], "希望洽谈。")
        second = interest_service.express(tj, ids["needs"][0], ids["achievements"][1], "可提供技术服务。")
        interest_service.accept(hb, second)
        ids["interests"] = [first.id, second.id]
    ids.update(seed_challenges(app, ids))
    return ids


def seed_challenges(app, ids: dict) -> dict:
    """hb's firm sponsors an open challenge (bj bid on it), one in evaluation (bj bid) and a draft."""
    from matchmaker.services import challenges, proposals
    from tests.challenges.support import firm_challenge, pass_deadline, proposal_data, user

    with app.app_context():
        open_id, evaluating_id = firm_challenge(ids), firm_challenge(ids)
        first = proposals.submit(user(ids["bj"]), open_id, proposal_data()).id
        second = proposals.submit(user(ids["bj"]), evaluating_id, proposal_data()).id
        pass_deadline(evaluating_id)
        challenges.start_evaluation(user(ids["hb"]), evaluating_id)
        draft_id = firm_challenge(ids, "draft")
    return {"challenges": [open_id, evaluating_id, draft_id], "proposals": [first, second]}


@pytest.fixture(scope="module")
def world_as(request, database_url, tmp_path_factory):
    """(app, seeded ids, headers) for one role, shared by every operation of the run for that role."""
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": database_url, "MATCHING_INDEX_DIR": str(tmp_path_factory.mktemp("index"))},
    )
    with app.app_context():
        _empty_tables()
    ids = seed(app)
    headers = {}
    if ROLES[request.param]:
        with app.app_context():
            _row, raw = tokens.issue(db.session.get(User, ids[ROLES[request.param]]), f"schemathesis {request.param}")
        headers = {"Authorization": f"Bearer {raw}"}
    yield app, ids, headers
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _date(value) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def steer_ids(case, ids: dict) -> None:
    """Two drawn ids in three become seeded ones (only ids in the valid range: negatives stay negative)."""
    path = case.operation.path
    keys = ("interests", "achievements", "needs", "challenges", "proposals")
    pool = next((ids[key] for key in keys if f"/{key}/" in path), [])
    for name, value in (case.path_parameters or {}).items():
        if pool and _number(value) and isinstance(value, int) and 0 < value <= MAX_ID and value % 3:
            case.path_parameters[name] = pool[value % len(pool)]
    if isinstance(case.body, dict):
        for key, kind in (("need_id", "needs"), ("achievement_id", "achievements"), ("proposal_id", "proposals")):
            value = case.body.get(key)
            if _number(value) and isinstance(value, int) and 0 < value <= MAX_ID and value % 3:
                case.body[key] = ids[kind][value % len(ids[kind])]


def within_rules(case) -> None:
    """Keep a valid body within the rules stated in words (see the module's docstring)."""
    body = case.body
    if not isinstance(body, dict) or case.meta is None or not case.meta.generation.mode.is_positive:
        return
    for low, high in RANGES:
        if case.method == "PATCH" and (low in body) != (high in body):
            body.setdefault(low, None)  # one bound changed: send the other too (null: open)
            body.setdefault(high, None)
        if _number(body.get(low)) and _number(body.get(high)) and body[low] > body[high]:
            body[low], body[high] = body[high], body[low]
    today = date.today()
    deadline, signed = _date(body.get("deadline")), _date(body.get("signed_on"))
    if deadline and deadline < today:
        body["deadline"] = (today + timedelta(days=30)).isoformat()
    if signed and signed > today:
        body["signed_on"] = today.isoformat()
    challenge_rules(case, body, today)


def challenge_rules(case, body: dict, today: date) -> None:
    """The challenges' rules stated in words, for the seeded challenges (see the module's docstring)."""
    deadline = _date(body.get("proposal_deadline"))
    if deadline and deadline < today:
        body["proposal_deadline"] = (today + timedelta(days=30)).isoformat()
    criteria = body.get("criteria")
    if isinstance(criteria, list) and criteria and all(isinstance(c, dict) for c in criteria):
        for i, row in enumerate(criteria):
            row["weight"] = 100 // len(criteria) + (1 if i < 100 % len(criteria) else 0)
    budget = body.get("budget_wan", BUDGET if case.method == "PATCH" else None)
    if _number(body.get("centre_share_wan")) and _number(budget) and body["centre_share_wan"] > budget:
        body["centre_share_wan"] = budget
    path = case.operation.path
    if path.endswith("/proposals") and case.method == "POST":
        plans = body.get("indicator_plans")
        if isinstance(plans, list) and all(isinstance(p, str) for p in plans):
            body["indicator_plans"] = (plans + plans[:1] * INDICATORS)[:INDICATORS]
        if _number(body.get("trl")) and body["trl"] < MIN_TRL:
            body["trl"] = MIN_TRL
        price, rows = body.get("price_wan"), body.get("milestones")
        if _number(price) and isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            price = min(max(round(price, 2), 0.01), BUDGET)
            body["price_wan"] = price
            for i, row in enumerate(rows):
                row["due"] = (today + timedelta(days=30 * (i + 1))).isoformat()
                row["payment_wan"] = price if i == 0 else 0
    if path.endswith("/scores"):
        points = body.get("points")
        if isinstance(points, list) and points and all(_number(p) for p in points):
            points = (points + [0] * len(WEIGHTS))[: len(WEIGHTS)]
            body["points"] = [min(p, w) for p, w in zip(points, WEIGHTS)]


def run(case, world_as) -> None:
    app, ids, headers = world_as
    steer_ids(case, ids)
    within_rules(case)
    case.call_and_validate(app=app, headers=headers)


@pytest.mark.parametrize("world_as", FULL, indirect=True)
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_api_conforms_to_its_document(case, world_as):
    run(case, world_as)


@pytest.mark.parametrize("world_as", LIGHT, indirect=True)
@schema.parametrize()
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.generate, Phase.shrink]
)
def test_api_conforms_without_own_objects(case, world_as):
    run(case, world_as)
