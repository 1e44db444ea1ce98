"""Every route of the app, with the expected answer for each role: a new route without an entry fails.

Roles: A anonymous, I a member of another institution, F a member of another firm, O the owner
(of the posting, the interest, the notification...), M an administrator; and two membership states
of the owner's organization: P a person whose request to join it is pending (by default answered
like the outsider of the same side, I or F: a credit code is no proof of membership), J a person
whose request a member approved (by default answered like O). Expected: "ok" (the
action is allowed: 2xx, or a redirect that is not to the login page, or 400/409/422 when the
empty test body is refused on its merits), "login" (sent to log in; 401 for the API), 403, 404.
Each (route, role) runs on a fresh world, so state-changing POSTs cannot affect one another.
"""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Notification, Organization, SavedSearch, User
from matchmaker.services import interests, memberships, password_reset
from tests.conftest import login

OK, LOGIN = "ok", "login"
ALL_OK = dict(A=OK, I=OK, F=OK, O=OK, M=OK)
MEMBERS = dict(A=LOGIN, I=OK, F=OK, O=OK, M=OK)
ADMIN = dict(A=LOGIN, I=403, F=403, O=403, M=OK)
OWNER_ONLY = dict(A=LOGIN, I=404, F=404, O=OK, M=404)
PERSONAL = dict(OWNER_ONLY, J=404)  # the person's own (a notification, a token): not even a colleague's
EDIT_PUBLISHED = dict(A=LOGIN, I=403, F=403, O=OK, M=OK)
PRIVATE_POSTING = dict(A=LOGIN, I=404, F=404, O=OK, M=OK)
PARTIES = dict(A=LOGIN, I=404, F=404, O=OK, M=OK)
PARTY_ACTION = dict(A=LOGIN, I=404, F=404, O=OK, M=403)

# (endpoint, method, url, owner, expected)
WEB = [
    ("main.home", "GET", "/", "bj", ALL_OK),
    ("main.about", "GET", "/about", "bj", ALL_OK),
    ("main.healthz", "GET", "/healthz", "bj", ALL_OK),
    ("main.set_language", "GET", "/lang/en", "bj", ALL_OK),
    ("static", "GET", "/static/css/app.css", "bj", ALL_OK),
    ("auth.login", "GET", "/login", "bj", ALL_OK),
    ("auth.login", "POST", "/login", "bj", ALL_OK),
    ("auth.register", "GET", "/register", "bj", ALL_OK),
    ("auth.register", "POST", "/register", "bj", ALL_OK),
    ("auth.logout", "POST", "/logout", "bj", MEMBERS),
    ("auth.forgot_password", "GET", "/password/forgot", "bj", ALL_OK),
    ("auth.forgot_password", "POST", "/password/forgot", "bj", ALL_OK),
    ("auth.reset_password", "GET", "/password/reset/{reset}", "hb", ALL_OK),
    ("auth.reset_password", "GET", "/password/reset/not-a-link", "hb", ALL_OK),
    ("auth.reset_password", "POST", "/password/reset/{reset}", "hb", ALL_OK),
    ("postings.browse_list", "GET", "/achievements/", "bj", ALL_OK),
    ("postings.detail", "GET", "/achievements/{ach}", "bj", ALL_OK),
    ("postings.detail", "GET", "/achievements/{draft}", "bj", dict(A=404, I=404, F=404, O=OK, M=OK)),
    ("postings.create", "GET", "/achievements/new", "bj", dict(A=LOGIN, I=OK, F=403, O=OK, M=OK, P=403)),
    ("postings.create", "POST", "/needs/new", "hb", dict(A=LOGIN, I=403, F=OK, O=OK, M=OK, P=403)),
    ("postings.edit", "GET", "/achievements/{ach}/edit", "bj", EDIT_PUBLISHED),
    ("postings.edit", "POST", "/achievements/{draft}/edit", "bj", PRIVATE_POSTING),
    ("postings.change_status", "POST", "/achievements/{ach}/withdraw", "bj", EDIT_PUBLISHED),
    ("postings.mine", "GET", "/me/postings", "bj", MEMBERS),
    ("interests.index", "GET", "/interests", "hb", MEMBERS),
    ("interests.express", "POST", "/interests", "hb", MEMBERS),
    ("interests.detail", "GET", "/interests/{interest}", "hb", PARTIES),
    ("interests.accept", "POST", "/interests/{interest}/accept", "bj", PARTY_ACTION),
    ("interests.decline", "POST", "/interests/{interest}/decline", "bj", PARTY_ACTION),
    ("interests.withdraw", "POST", "/interests/{interest}/withdraw", "hb", PARTY_ACTION),
    ("interests.change_status", "POST", "/interests/{interest}/status", "hb", PARTY_ACTION),
    ("interests.message", "POST", "/interests/{interest}/messages", "hb", PARTY_ACTION),
    ("interests.contact_consent", "POST", "/interests/{interest}/contact", "hb", PARTY_ACTION),
    ("interests.deal", "POST", "/interests/{interest}/deal", "hb", PARTY_ACTION),
    ("suggestions.mine", "GET", "/me/suggestions", "hb", MEMBERS),
    ("suggestions.feedback", "POST", "/suggestions/feedback", "hb", MEMBERS),
    ("notifications.index", "GET", "/me/notifications", "hb", MEMBERS),
    ("notifications.open_one", "POST", "/me/notifications/{note}/open", "hb", PERSONAL),
    ("notifications.read_all", "POST", "/me/notifications/read-all", "hb", MEMBERS),
    ("notifications.settings", "GET", "/me/settings/notifications", "hb", MEMBERS),
    ("notifications.settings", "POST", "/me/settings/notifications", "hb", MEMBERS),
    ("notifications.save_search", "POST", "/me/searches/achievements?q=钢", "hb", MEMBERS),
    ("notifications.delete_search", "POST", "/me/searches/{search}/delete", "hb", PERSONAL),
    ("account.index", "GET", "/me/account", "hb", MEMBERS),
    ("account.download", "GET", "/me/account/data.json", "hb", MEMBERS),
    ("account.change_password", "POST", "/me/account/password", "hb", MEMBERS),
    ("account.delete", "POST", "/me/account/delete", "hb", MEMBERS),
    ("auth.confirm_email", "GET", "/register/confirm/not-a-link", "hb", ALL_OK),
    ("auth.confirm_email", "POST", "/register/confirm/not-a-link", "hb", ALL_OK),
    ("members.index", "GET", "/me/organization", "hb", MEMBERS),
    ("members.join", "POST", "/me/organization/join", "hb", MEMBERS),
    ("members.decide", "POST", "/me/organization/requests/{joinreq}/approve", "hb", dict(OWNER_ONLY, M=OK)),
    (
        "members.cancel",
        "POST",
        "/me/organization/requests/{joinreq}/cancel",
        "hb",
        dict(A=LOGIN, I=404, F=404, O=404, M=404, P=OK, J=404),
    ),
    ("members.remove", "POST", "/me/organization/members/{colleague}/remove", "hb", dict(OWNER_ONLY, M=OK)),
    ("api_tokens.index", "GET", "/me/tokens", "hb", MEMBERS),
    ("api_tokens.index", "POST", "/me/tokens", "hb", MEMBERS),
    ("api_tokens.revoke", "POST", "/me/tokens/{token}/revoke", "hb", PERSONAL),
    ("admin.home", "GET", "/admin/", "bj", ADMIN),
    ("admin.dashboard", "GET", "/admin/dashboard", "bj", ADMIN),
    ("admin.dashboard_csv", "GET", "/admin/dashboard.csv", "bj", ADMIN),
    ("admin.review_queue", "GET", "/admin/review", "bj", ADMIN),
    ("admin.review", "POST", "/admin/achievement/{pending}/review", "bj", ADMIN),
    ("admin.compare", "GET", "/admin/duplicates/achievement/{ach}/{pending}", "bj", ADMIN),
    ("admin.resolve_duplicate", "POST", "/admin/duplicates/achievement/{ach}/{pending}/distinct", "bj", ADMIN),
    ("admin.pairs", "GET", "/admin/pairs", "bj", ADMIN),
    ("admin.curate", "POST", "/admin/pairs", "bj", ADMIN),
    ("admin.organizations", "GET", "/admin/organizations", "bj", ADMIN),
    ("admin.organization_action", "POST", "/admin/organizations/{org}/verify", "bj", ADMIN),
    ("admin.users", "GET", "/admin/users", "bj", ADMIN),
    ("admin.user_active", "POST", "/admin/users/{user}/deactivate", "bj", ADMIN),
    ("admin.user_end_sessions", "POST", "/admin/users/{user}/end-sessions", "bj", ADMIN),
    ("admin.user_role", "POST", "/admin/users/{user}/role", "bj", ADMIN),
    ("admin.audit_log", "GET", "/admin/audit", "bj", ADMIN),
    ("transfer.index", "GET", "/admin/transfer/", "bj", ADMIN),
    ("transfer.upload", "POST", "/admin/transfer/import", "bj", ADMIN),
    ("transfer.template", "GET", "/admin/transfer/template/need.csv", "bj", ADMIN),
    ("transfer.export", "GET", "/admin/transfer/export/achievements.csv", "bj", ADMIN),
    # Open challenges (揭榜挂帅): the sponsor is hb's firm, the bidder bj's university (scene_challenges).
    ("challenges.index", "GET", "/challenges/", "hb", ALL_OK),
    ("challenges.detail", "GET", "/challenges/{challenge}", "hb", ALL_OK),
    ("challenges.detail", "GET", "/challenges/{ch_draft}", "hb", dict(A=404, I=404, F=404, O=OK, M=OK)),
    ("challenges.create", "GET", "/challenges/new", "hb", dict(A=LOGIN, I=403, F=OK, O=OK, M=OK, P=403)),
    ("challenges.create", "POST", "/challenges/new", "hb", dict(A=LOGIN, I=403, F=OK, O=OK, M=OK, P=403)),
    ("challenges.edit", "GET", "/challenges/{ch_draft}/edit", "hb", PRIVATE_POSTING),
    ("challenges.edit", "POST", "/challenges/{ch_draft}/edit", "hb", PRIVATE_POSTING),
    ("challenges.act", "POST", "/challenges/{ch_draft}/submit", "hb", PRIVATE_POSTING),
    ("challenges.act", "POST", "/challenges/{challenge}/evaluate", "hb", EDIT_PUBLISHED),
    ("challenges.review", "POST", "/challenges/{ch_review}/review/publish", "hb", dict(ADMIN, O=403)),
    ("challenges.close", "POST", "/challenges/{challenge}/close", "hb", ADMIN),
    ("challenges.appoint", "POST", "/challenges/{challenge}/experts", "hb", ADMIN),
    ("challenges.award", "POST", "/challenges/{challenge}/award", "hb", ADMIN),
    ("challenges.mine", "GET", "/me/challenges", "hb", MEMBERS),
    ("challenges.bid", "GET", "/challenges/{challenge}/proposals/new", "bj", dict(MEMBERS, P=OK)),
    ("challenges.bid", "POST", "/challenges/{challenge}/proposals/new", "bj", dict(MEMBERS, P=OK)),
    ("challenges.ranking", "GET", "/challenges/{challenge}/proposals", "hb", PARTIES),
    # A proposal is read by its sponsors (O when hb owns) and its bidder (O when bj owns) and admins: 404 for others.
    ("challenges.proposal", "GET", "/proposals/{proposal}", "hb", PARTIES),
    ("challenges.proposal", "GET", "/proposals/{proposal}", "bj", PARTIES),
    ("challenges.edit_proposal", "GET", "/proposals/{proposal}/edit", "bj", dict(PARTIES, M=404)),
    ("challenges.edit_proposal", "POST", "/proposals/{proposal}/edit", "bj", dict(PARTIES, M=404)),
    ("challenges.withdraw", "POST", "/proposals/{proposal}/withdraw", "bj", dict(PARTIES, M=403)),
    ("challenges.score", "POST", "/proposals/{proposal}/scores", "hb", PARTIES),
    # Only the winning team reports a delivery: an admin sees the agreement but is refused (who asks comes first).
    ("challenges.deliver", "POST", "/milestones/{milestone}/deliver", "bj", dict(PARTIES, M=403)),
    ("challenges.accept_milestone", "POST", "/milestones/{milestone}/accept", "hb", PARTIES),
]
CONTACT_MARK = "555 1234"  # the achievement's contact phone (tests.conftest factory)


@pytest.fixture
def scene(app, make, world):
    """The world plus: a published achievement (bj) and need (hb), an accepted interest, a draft,
    a pending posting, a notification, a saved search, an API token and a password-reset link of hb's."""
    ids = dict(world)
    ids["hb2_org"] = make.org("firm", "hebei", "保定", name="保定示例机械有限公司")
    ids["hb2"] = make.user(ids["hb2_org"], email="hb2@example.com")
    ids["ach"] = make.achievement(world["bj_org"])
    ids["draft"] = make.achievement(world["bj_org"], status="draft")
    ids["pending"] = make.achievement(world["bj_org"], status="pending")
    ids["need"] = make.need(world["hb_org"])
    with app.app_context():
        hb, bj = db.session.get(User, world["hb"]), db.session.get(User, world["bj"])
        interest = interests.express(hb, ids["need"], ids["ach"], "")
        interests.accept(bj, interest)
        ids["interest"] = interest.id
        ids["note"] = db.session.query(Notification).filter_by(user_id=world["hb"]).first().id
        search = SavedSearch(user_id=world["hb"], kind="achievement", name="钢", params={"q": "钢"})
        db.session.add(search)
        db.session.commit()
        ids["search"] = search.id
        from matchmaker.services import tokens

        ids["token"] = tokens.issue(hb, "inventory")[0].id
        ids["reset"] = password_reset.make_token(hb)
    ids["org"], ids["user"] = ids["hb2_org"], ids["hb2"]
    ids.update(scene_challenges(app, ids))
    ids["colleague"] = make.user(world["hb_org"], email="colleague@example.com")
    for side in ("hb", "bj"):
        ids[f"{side}_pending"] = make.user(None, email=f"pending-{side}@example.com")
        ids[f"{side}_joined"] = make.user(None, email=f"joined-{side}@example.com")
        with app.app_context():
            org = db.session.get(Organization, world[f"{side}_org"])
            request = memberships.ask(db.session.get(User, ids[f"{side}_pending"]), org)
            approved = memberships.ask(db.session.get(User, ids[f"{side}_joined"]), org)
            db.session.commit()
            memberships.decide(db.session.get(User, world[side]), approved.id, True)
            if side == "hb":
                ids["joinreq"] = request.id
    return ids


def scene_challenges(app, ids: dict) -> dict:
    """hb's firm sponsors an open challenge with bj's proposal, a draft, one in review, and an awarded
    one with a milestone (bj won)."""
    from matchmaker.models import Milestone
    from matchmaker.services import proposals
    from tests.challenges.support import awarded, firm_challenge, proposal_data, user

    out = {}
    with app.app_context():
        out["challenge"] = firm_challenge(ids)
        out["proposal"] = proposals.submit(user(ids["bj"]), out["challenge"], proposal_data()).id
        out["ch_draft"] = firm_challenge(ids, "draft")
        out["ch_review"] = firm_challenge(ids, "review")
        won, _ = awarded(ids)
        out["milestone"] = db.session.query(Milestone.id).filter_by(challenge_id=won, seq=1).scalar()
    return out


OUTSIDER = {"bj": "I", "hb": "F"}  # the role outside the owner's organization, on the owner's side


def _actor(role: str, owner: str, ids: dict) -> int | None:
    return {
        "A": None,
        "I": ids["tj"],
        "F": ids["hb2"],
        "O": ids[owner],
        "M": ids["admin"],
        "P": ids[f"{owner}_pending"],
        "J": ids[f"{owner}_joined"],
    }[role]


def _expected(expected: dict, role: str, owner: str):
    if role in expected:
        return expected[role]
    return expected[OUTSIDER[owner]] if role == "P" else expected["O"]


def _category(response) -> object:
    status = response.status_code
    if status in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if status == 401:
        return LOGIN
    if status in (403, 404, 405):
        return status
    if status < 400 or status in (400, 409, 413, 415, 422):
        return OK
    return status


def test_inventory_covers_every_route(app):
    listed = {(endpoint, method) for endpoint, method, *_ in WEB} | {(e, m) for e, m, *_ in api_entries()}
    present = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert present - listed == set(), "routes without an inventory entry"
    assert listed - present == set(), "inventory entries for routes that do not exist"


def api_entries() -> list:
    from tests.web.route_inventory_api import API

    return API


def _check(app, scene, method, url, owner, expected, role):
    client = app.test_client()
    actor = _actor(role, owner, scene)
    if actor is not None:
        login(client, app, actor)
    response = client.open(url.format(**scene), method=method, data={})
    body = response.get_data(as_text=True)
    response.close()  # static files are streamed from an open file
    assert _category(response) == _expected(expected, role, owner), (
        role,
        response.status_code,
        response.headers.get("Location"),
    )
    if method == "GET" and response.status_code == 200 and role in "AIFP":
        assert CONTACT_MARK not in body, (role, "a contact detail leaked")


ROLES = "AIFOMPJ"
READS = [entry for entry in WEB if entry[1] == "GET"]
WRITES = [entry for entry in WEB if entry[1] != "GET"]


@pytest.mark.parametrize("endpoint, method, url, owner, expected", READS, ids=[f"GET {e[2]}" for e in READS])
def test_page_answers_by_role(app, scene, endpoint, method, url, owner, expected):
    """Reads change nothing, so the five roles share one world."""
    for role in ROLES:
        _check(app, scene, method, url, owner, expected, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint, method, url, owner, expected", WRITES, ids=[f"{e[1]} {e[2]}" for e in WRITES])
def test_action_answers_by_role(app, scene, endpoint, method, url, owner, expected, role):
    _check(app, scene, method, url, owner, expected, role)


@pytest.mark.parametrize("role", ROLES)
def test_api_routes_answer_by_role(app, scene, role):
    from matchmaker.services import tokens

    for endpoint, method, url, owner, expected in api_entries():
        headers = {}
        actor = _actor(role, owner, scene)
        if actor is not None:
            with app.app_context():
                headers["Authorization"] = "Bearer " + tokens.issue(db.session.get(User, actor), "inventory")[1]
        client = app.test_client()
        response = client.open(
            url.format(**scene), method=method, headers=headers, json={} if method != "GET" else None
        )
        assert _category(response) == _expected(expected, role, owner), (
            endpoint,
            role,
            response.status_code,
            response.get_data(as_text=True)[:200],
        )
        if method == "GET" and response.status_code == 200 and role in "AIFP":
            assert CONTACT_MARK not in response.get_data(as_text=True), (endpoint, "a contact detail leaked")
