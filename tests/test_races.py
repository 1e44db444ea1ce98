"""Every state transition under concurrency, against a live server: exactly one winner, 409 for the rest.

A real gunicorn (2 worker processes × 8 threads) on 127.0.0.1 serves the test database (SQLite here,
PostgreSQL in CI's second run); 12 threads fire the same change at once through the pages or the API.
After each race the database holds one change, one history event or audit row, one notification:
the losers changed nothing. (Found from outside: 8 accepts + 8 declines of one interest answered
200 three times and left it declined with its contacts shared; 16 deals gave 3 × 500.)
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.models import (
    Achievement,
    AuditLog,
    Deal,
    Interest,
    InterestEvent,
    JoinRequest,
    Need,
    Notification,
    Organization,
    User,
)
from matchmaker.services import interests, memberships, tokens
from tests.conftest import PASSWORD, login
from tests.live import gunicorn

N = 12


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("race")
    probe = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    env = {
        "RACE_DATABASE_URL": database_url,
        "RACE_SECRET_KEY": probe.config["SECRET_KEY"],
        "RACE_INDEX_DIR": str(folder / "index"),
        "RACE_OUTBOX_DIR": str(folder / "outbox"),
    }
    with gunicorn("race_app", env, folder / "gunicorn.log", "-k", "gthread", "--threads", "8") as url:
        yield url
    text = (folder / "gunicorn.log").read_text()
    assert "Traceback" not in text and "database is locked" not in text, text[-3000:]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _send(request: urllib.request.Request) -> int:
    try:
        return urllib.request.build_opener(_NoRedirect).open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def race(requests: list[urllib.request.Request]) -> list[int]:
    """Send every request at the same moment (a barrier), each from its own thread; their statuses."""
    statuses: list[int] = []
    barrier = threading.Barrier(len(requests))

    def go(request):
        barrier.wait()
        statuses.append(_send(request))

    threads = [threading.Thread(target=go, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def page_post(base: str, cookie: str, path: str, form: dict | None = None) -> urllib.request.Request:
    body = urllib.parse.urlencode(form or {}).encode()
    return urllib.request.Request(base + path, data=body, method="POST", headers={"Cookie": f"session={cookie}"})


def api_post(base: str, token: str, path: str, body: dict | None = None) -> urllib.request.Request:
    return urllib.request.Request(
        base + "/api/v1" + path,
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )


def one_winner(statuses: list[int], ok: int, logged_out: bool = False) -> None:
    """Exactly one ``ok``; the rest 409 (or, with ``logged_out``, a login redirect or 404: the winner
    took the loser's rights away, ending its session or its membership — they changed nothing)."""
    losers = (409, 302, 404) if logged_out else (409,)
    assert statuses.count(ok) == 1 and all(s in losers for s in statuses if s != ok), statuses


def cookie(app, user_id: int) -> str:
    client = app.test_client()
    login(client, app, user_id)
    client.get("/")
    return client.get_cookie("session").value


def token(app, user_id: int) -> str:
    with app.app_context():
        return tokens.issue(db.session.get(User, user_id), "race")[1]


def count(app, stmt) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


@pytest.fixture
def pair(app, make, world):
    ids = dict(world, need=make.need(world["hb_org"]), ach=make.achievement(world["bj_org"]))
    with app.app_context():
        ids["interest"] = interests.express(db.session.get(User, world["hb"]), ids["need"], ids["ach"], "").id
    return ids


def _accept(app, ids) -> None:
    with app.app_context():
        interests.accept(db.session.get(User, ids["bj"]), db.session.get(Interest, ids["interest"]))


def _events(app, interest_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(InterestEvent.to_status)
                .where(InterestEvent.interest_id == interest_id)
                .order_by(InterestEvent.id)
            )
        )


def _notes(app, event: str) -> int:
    return count(app, select(Notification.id).where(Notification.event == event))


# Interests -------------------------------------------------------------------------------------


def test_accepts_and_declines_racing(app, live, pair):
    bj = cookie(app, pair["bj"])
    path = f"/interests/{pair['interest']}"
    requests = [page_post(live, bj, f"{path}/accept") for _ in range(N // 2)]
    requests += [page_post(live, bj, f"{path}/decline", {"reason": "已许可他人"}) for _ in range(N // 2)]
    one_winner(race(requests), 303)
    with app.app_context():
        interest = db.session.get(Interest, pair["interest"])
        assert (interest.status == "negotiating") == (interest.accepted_at is not None)  # never declined with contacts
        assert interest.status in ("negotiating", "declined")
    assert len(_events(app, pair["interest"])) == 2
    assert _notes(app, "interest_accepted") + _notes(app, "interest_declined") == 1


def test_withdraws_racing(app, live, pair):
    hb = cookie(app, pair["hb"])
    one_winner(race([page_post(live, hb, f"/interests/{pair['interest']}/withdraw") for _ in range(N)]), 303)
    assert _events(app, pair["interest"]) == ["proposed", "withdrawn"]


def test_status_moves_racing(app, live, pair):
    _accept(app, pair)
    hb = cookie(app, pair["hb"])
    requests = [
        page_post(live, hb, f"/interests/{pair['interest']}/status", {"status": "on_hold", "note": "等预算"})
        for _ in range(N)
    ]
    one_winner(race(requests), 303)
    assert _events(app, pair["interest"]) == ["proposed", "negotiating", "on_hold"]


def test_deals_racing(app, live, pair):
    _accept(app, pair)
    raw = token(app, pair["hb"])
    body = {"contract_type": "license", "amount_wan": 120, "signed_on": "2026-11-30"}
    one_winner(race([api_post(live, raw, f"/interests/{pair['interest']}/deal", body) for _ in range(N)]), 201)
    assert count(app, select(Deal.id)) == 1
    assert _events(app, pair["interest"])[-1] == "deal_signed" and len(_events(app, pair["interest"])) == 3


def test_contact_consent_racing(app, live, pair):
    _accept(app, pair)
    raw = token(app, pair["bj"])
    requests = [
        api_post(live, raw, f"/interests/{pair['interest']}/contact", {"consent": "withdraw"}) for _ in range(N)
    ]
    one_winner(race(requests), 200)
    assert len(_events(app, pair["interest"])) == 3


# Postings ----------------------------------------------------------------------------------------


def _status(app, model, posting_id: int) -> str:
    with app.app_context():
        return db.session.get(model, posting_id).status


def _audits(app, action: str) -> int:
    return count(app, select(AuditLog.id).where(AuditLog.action == action))


@pytest.mark.parametrize(
    "action, start, end",
    [("submit", "draft", "pending"), ("withdraw", "pending", "draft"), ("renew", "archived", "pending")],
)
def test_owner_posting_actions_racing(app, live, make, world, action, start, end):
    need = make.need(world["hb_org"], status=start)
    hb = cookie(app, world["hb"])
    one_winner(race([page_post(live, hb, f"/needs/{need}/{action}") for _ in range(N)]), 303)
    assert _status(app, Need, need) == end


@pytest.mark.parametrize(
    "decision, start, end, action",
    [
        ("publish", "pending", "published", "publish"),
        ("reject", "pending", "rejected", "reject"),
        ("revise", "pending", "needs_revision", "request_revision"),
        ("unpublish", "published", "pending", "unpublish"),
    ],
)
def test_reviews_racing(app, live, make, world, decision, start, end, action):
    ach = make.achievement(world["bj_org"], status=start)
    admin = cookie(app, world["admin"])
    form = {"decision": decision, "reason": "请补充技术参数"}
    one_winner(race([page_post(live, admin, f"/admin/achievement/{ach}/review", form) for _ in range(N)]), 303)
    assert _status(app, Achievement, ach) == end
    assert _audits(app, action) == 1
    if decision == "publish":
        assert _notes(app, "posting_published") == 1


def test_close_after_deal_racing(app, live, pair):
    _accept(app, pair)
    with app.app_context():
        from datetime import date as _date

        interests.record_deal(
            db.session.get(User, pair["bj"]),
            db.session.get(Interest, pair["interest"]),
            interests.DealData("license", 50, _date(2026, 11, 1)),
        )
    hb = cookie(app, pair["hb"])
    one_winner(race([page_post(live, hb, f"/needs/{pair['need']}/close") for _ in range(N)]), 303)
    assert _status(app, Need, pair["need"]) == "fulfilled"


def test_publish_through_the_api_racing(app, live, make, world):
    need = make.need(world["hb_org"], status="pending")
    raw = token(app, world["admin"])
    one_winner(race([api_post(live, raw, f"/admin/needs/{need}/publish") for _ in range(N)]), 200)
    assert _audits(app, "publish") == 1 and _notes(app, "posting_published") == 1


def test_merges_racing(app, live, make, world):
    keep = make.need(world["hb_org"], title="焦炉煤气制氢提纯")
    drop = make.need(world["hb_org"], title="焦炉煤气制氢提纯（重复）")
    admin = cookie(app, world["admin"])
    form = {"keep": keep, "reason": "重复发布", "confirm": "y"}
    one_winner(
        race([page_post(live, admin, f"/admin/duplicates/need/{keep}/{drop}/merge", form) for _ in range(N)]), 303
    )
    assert _status(app, Need, drop) == "archived" and _audits(app, "merge") == 1
    assert _notes(app, "posting_merged") == 1


# Organizations, accounts, membership ------------------------------------------------------------


@pytest.mark.parametrize("action", ["verify", "suspend"])
def test_organization_actions_racing(app, live, make, world, action):
    org = make.org("firm", "hebei", "沧州", name="沧州竞态测试企业", verified=False)
    admin = cookie(app, world["admin"])
    requests = [page_post(live, admin, f"/admin/organizations/{org}/{action}", {"reason": "核实"}) for _ in range(N)]
    one_winner(race(requests), 303)
    assert _audits(app, action) == 1


def test_role_changes_racing(app, live, world):
    admin = cookie(app, world["admin"])
    form = {"role": "admin", "password": PASSWORD, "reason": "新任管理员"}
    one_winner(race([page_post(live, admin, f"/admin/users/{world['tj']}/role", form) for _ in range(N)]), 303)
    assert _audits(app, "role_change") == 1


def test_two_admins_demoting_each_other_leave_one(app, live, make, world):
    second = make.user(world["admin_org"], role="admin", email="second-admin@example.com")
    first = cookie(app, world["admin"])
    other = cookie(app, second)
    form = {"role": "member", "password": PASSWORD, "reason": "轮换"}
    requests = [page_post(live, first, f"/admin/users/{second}/role", form) for _ in range(N // 2)]
    requests += [page_post(live, other, f"/admin/users/{world['admin']}/role", form) for _ in range(N // 2)]
    statuses = race(requests)
    assert statuses.count(303) == 1, statuses
    assert count(app, select(User.id).where(User.role == "admin", User.active.is_(True))) == 1


def test_deactivations_racing(app, live, world):
    admin = cookie(app, world["admin"])
    one_winner(
        race([page_post(live, admin, f"/admin/users/{world['tj']}/deactivate", {"reason": "离职"}) for _ in range(N)]),
        303,
    )
    assert _audits(app, "deactivate") == 1


def test_join_decisions_racing(app, live, make, world):
    newcomer = make.user(None, email="newcomer@example.com")
    with app.app_context():
        request_id = memberships.ask(db.session.get(User, newcomer), db.session.get(Organization, world["hb_org"])).id
        db.session.commit()
    hb = cookie(app, world["hb"])
    requests = [page_post(live, hb, f"/me/organization/requests/{request_id}/approve") for _ in range(N // 2)]
    requests += [page_post(live, hb, f"/me/organization/requests/{request_id}/refuse") for _ in range(N // 2)]
    one_winner(race(requests), 303)
    with app.app_context():
        status = db.session.get(JoinRequest, request_id).status
        assert (db.session.get(User, newcomer).organization_id == world["hb_org"]) == (status == "approved")
    assert _audits(app, "join_approve") + _audits(app, "join_refuse") == 1
    assert _notes(app, "join_approved") + _notes(app, "join_refused") == 1


# Found by the second outside test: decisions that depend on other rows than the one they change ------


def _second_admin(app, make, world) -> tuple[int, int]:
    org = make.org("agency", "tianjin", "和平区", name="第二服务中心")
    return org, make.user(org, role="admin", email="second-admin@example.com")


def _usable_admins(app) -> int:
    return count(
        app,
        select(User.id)
        .join(Organization, User.organization_id == Organization.id)
        .where(User.role == "admin", User.active.is_(True), Organization.suspended.is_(False)),
    )


def test_two_admins_suspending_each_others_organization_leave_one(app, live, make, world):
    org2, admin2 = _second_admin(app, make, world)
    first, second = cookie(app, world["admin"]), cookie(app, admin2)
    requests = [
        page_post(live, first, f"/admin/organizations/{org2}/suspend", {"reason": "互相暂停"}) for _ in range(N // 2)
    ]
    requests += [
        page_post(live, second, f"/admin/organizations/{world['admin_org']}/suspend", {"reason": "互相暂停"})
        for _ in range(N // 2)
    ]
    one_winner(race(requests), 303, logged_out=True)
    assert _usable_admins(app) == 1


def test_deactivating_an_admin_while_they_suspend_mine_leaves_one(app, live, make, world):
    org2, admin2 = _second_admin(app, make, world)
    first, second = cookie(app, world["admin"]), cookie(app, admin2)
    requests = [page_post(live, first, f"/admin/users/{admin2}/deactivate", {"reason": "x"}) for _ in range(N // 2)]
    requests += [
        page_post(live, second, f"/admin/organizations/{world['admin_org']}/suspend", {"reason": "x"})
        for _ in range(N // 2)
    ]
    one_winner(race(requests), 303, logged_out=True)
    assert _usable_admins(app) == 1


def test_the_last_two_admins_deleting_their_accounts_at_once_leave_one(app, live, make, world):
    _org2, admin2 = _second_admin(app, make, world)
    first, second = cookie(app, world["admin"]), cookie(app, admin2)
    form = {"password": PASSWORD}
    statuses = race(
        [page_post(live, first, "/me/account/delete", form) for _ in range(N // 2)]
        + [page_post(live, second, "/me/account/delete", form) for _ in range(N // 2)]
    )
    assert statuses.count(303) == 1 and all(s in (303, 400, 409, 302) for s in statuses), statuses
    assert _usable_admins(app) == 1


def test_two_members_removing_each_other_leave_one(app, live, make, world):
    colleague = make.user(world["hb_org"], email="colleague@example.com")
    hb, other = cookie(app, world["hb"]), cookie(app, colleague)
    requests = [page_post(live, hb, f"/me/organization/members/{colleague}/remove") for _ in range(N // 2)]
    requests += [page_post(live, other, f"/me/organization/members/{world['hb']}/remove") for _ in range(N // 2)]
    one_winner(race(requests), 303, logged_out=True)
    assert count(app, select(User.id).where(User.organization_id == world["hb_org"])) == 1


def test_opposite_merges_of_one_pair_archive_one(app, live, make, world):
    a = make.need(world["hb_org"], title="焦炉煤气制氢提纯")
    b = make.need(world["hb_org"], title="焦炉煤气制氢提纯（重复）")
    admin = cookie(app, world["admin"])
    path = f"/admin/duplicates/need/{a}/{b}/merge"
    requests = [page_post(live, admin, path, {"keep": a, "reason": "重复", "confirm": "y"}) for _ in range(N // 2)]
    requests += [page_post(live, admin, path, {"keep": b, "reason": "重复", "confirm": "y"}) for _ in range(N // 2)]
    one_winner(race(requests), 303)
    assert sorted([_status(app, Need, a), _status(app, Need, b)]) == ["archived", "published"]


def test_the_daily_interest_budget_holds_under_parallel_clicks(app, live, make, world):
    need = make.need(world["hb_org"])
    achievements = [make.achievement(world["bj_org"], title=f"并发成果{n}") for n in range(N)]
    hb = cookie(app, world["hb"])
    statuses = race([page_post(live, hb, "/interests", {"need_id": need, "achievement_id": a}) for a in achievements])
    assert sorted(statuses) == [303] * 5 + [429] * (N - 5), statuses
    assert count(app, select(Interest.id)) == 5


def test_publish_racing_an_edit_never_publishes_unreviewed_text(app, live, make, world):
    import re as _re

    need = make.need(world["hb_org"], status="pending", title="审核时看到的标题")
    admin_client = app.test_client()
    login(admin_client, app, world["admin"])
    version = _re.search(r'name="version" value="([^"]+)"', admin_client.get("/admin/review").get_data(as_text=True))
    admin, owner = cookie(app, world["admin"]), cookie(app, world["hb"])
    with app.app_context():
        n = db.session.get(Need, need)
        edit = {
            "title": "未经审核的新标题",
            "problem": n.problem,
            "key_points": n.key_points,
            "goals": n.goals,
            "field": n.field,
            "keywords": "正极材料",
            "min_trl": "5",
            "modes": "license",
            "contact_name": "李需求",
            "contact_phone": "0311-5555 6789",
            "contact_email": "li.need@example.com",
            "save": "1",
        }
    requests = [
        page_post(live, admin, f"/admin/need/{need}/review", {"decision": "publish", "version": version.group(1)})
        for _ in range(N // 2)
    ] + [page_post(live, owner, f"/needs/{need}/edit", edit) for _ in range(N // 2)]
    race(requests)
    with app.app_context():
        n = db.session.get(Need, need)
        assert not (n.status == "published" and n.title == "未经审核的新标题"), (n.status, n.title)
