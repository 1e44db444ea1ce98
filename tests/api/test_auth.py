"""Tokens: issued by password, stored hashed, refused once expired, revoked or their user disabled;
the session cookie is no credential for the API."""

import hashlib
from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Achievement, ApiToken, Organization, User
from matchmaker.models.base import utcnow
from matchmaker.services import tokens as tokens_service
from tests.api.conftest import ACHIEVEMENT, error_of
from tests.conftest import PASSWORD, login


def test_token_from_password_is_stored_hashed(api, app, world):
    response = api.post("/auth/token", json={"email": "BJ@example.com ", "password": PASSWORD, "name": "ERP 对接"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    raw = body["token"]
    assert body["token_type"] == "Bearer" and body["expires_at"].endswith("Z") and raw.startswith(body["prefix"])
    with app.app_context():
        row = db.session.query(ApiToken).one()
        assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in (row.token_hash, row.prefix)
        assert row.user_id == world["bj"] and row.name == "ERP 对接" and row.last_used_at is None
        assert timedelta(days=29) < row.expires_at - utcnow() <= timedelta(days=30)
    me = api.get("/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["organization"]["name"] == "京华理工大学"
    with app.app_context():
        assert db.session.query(ApiToken).one().last_used_at is not None


def test_wrong_password_and_unknown_email_get_the_same_answer(api, app):
    wrong = api.post("/auth/token", json={"email": "bj@example.com", "password": "not the password"})
    unknown = api.post("/auth/token", json={"email": "nobody@example.com", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert error_of(wrong) == error_of(unknown) and error_of(wrong)["code"] == "invalid_credentials"
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "bj@example.com"}, "password"),
        ({"email": "bj@example.com", "password": PASSWORD, "scope": "all"}, "scope"),
        ({"email": "bj\x00@example.com", "password": PASSWORD}, "email"),
        ({"email": 5, "password": PASSWORD}, "email"),
    ],
)
def test_token_request_validation(api, body, field):
    response = api.post("/auth/token", json=body)
    assert response.status_code == 422 and field in error_of(response)["fields"]


def _disable(app, world, what):
    with app.app_context():
        if what == "user":
            db.session.get(User, world["bj"]).active = False
        elif what == "org":
            db.session.get(Organization, world["bj_org"]).suspended = True
        elif what == "expired":
            db.session.query(ApiToken).update({"expires_at": utcnow() - timedelta(seconds=1)})
        else:
            db.session.query(ApiToken).update({"revoked_at": utcnow()})
        db.session.commit()


@pytest.mark.parametrize("what", ["user", "org", "expired", "revoked"])
def test_token_stops_working(api, app, world, what):
    assert api.get("/me", as_="bj").status_code == 200
    _disable(app, world, what)
    response = api.get("/me", as_="bj")
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Even where anonymous calls are welcome, a dead token is reported rather than ignored.
    assert api.get("/achievements", as_="bj").status_code == 401
    if what in ("user", "org"):
        assert api.post("/auth/token", json={"email": "bj@example.com", "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer nonsense", "Basic Ymo6cHc=", "bearer  " + "x" * 300, "Token abc"])
def test_bad_authorization_headers(api, header):
    response = api.get("/me", headers={"Authorization": header})
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"


def test_session_cookie_is_no_credential(api, app, client, world):
    login(client, app, world["bj"])
    with client.session_transaction() as session:
        session.permanent = True  # a refreshed cookie would be sent back on every answer
    assert client.get("/me/postings").status_code == 200  # the cookie works on the site …
    response = client.post("/api/v1/achievements", json=ACHIEVEMENT)
    assert response.status_code == 401  # … but the API sees an anonymous caller
    assert client.get("/api/v1/me").status_code == 401
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.query(Achievement).count() == 0


def test_remember_me_cookie_is_no_credential_either(app, world):
    client = app.test_client()
    response = client.post("/login", data={"email": "bj@example.com", "password": PASSWORD, "remember": "y"})
    assert response.status_code in (302, 303) and client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # only the remember-me cookie is left
    assert client.get("/me/postings").status_code == 200  # it logs the browser back in on the site …
    client.delete_cookie("session")
    for path in ("/api/v1/me", "/api/v1/docs"):
        answer = client.get(path)
        assert "Set-Cookie" not in answer.headers  # … never on the API
    assert client.get("/api/v1/me").status_code == 401


def test_api_never_sets_a_cookie(api, make, world):
    make.achievement(world["bj_org"])
    for response in (
        api.get("/achievements"),
        api.get("/achievements", as_="bj", lang="en"),
        api.get("/nothing-here"),
        api.post("/auth/token", json={"email": "bj@example.com", "password": PASSWORD}),
    ):
        assert "Set-Cookie" not in response.headers


def test_csrf_does_not_apply_to_token_calls(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/api/v1/auth/token", json={"email": "hb@example.com", "password": PASSWORD})
    assert response.status_code == 201
    token = response.get_json()["token"]
    posted = client.post("/api/v1/needs/99/submit", headers={"Authorization": f"Bearer {token}"})
    assert posted.status_code == 404 and posted.mimetype == "application/json"
    # The site's forms keep their CSRF protection.
    assert client.post("/login", data={"email": "hb@example.com", "password": PASSWORD}).status_code == 400


def test_authenticated_answers_are_not_stored_by_caches(api):
    assert api.get("/me", as_="hb").headers["Cache-Control"] == "no-store"
    assert "Authorization" in api.get("/achievements").headers["Vary"]


def test_active_tokens_per_user_are_bounded(api, app, world):
    from matchmaker.services.tokens import MAX_ACTIVE

    with app.app_context():
        user = db.session.get(User, world["hb"])
        for _ in range(MAX_ACTIVE):
            tokens_service.issue(user, "bulk")
    response = api.post("/auth/token", json={"email": "hb@example.com", "password": PASSWORD})
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"
    with app.app_context():
        db.session.query(ApiToken).filter_by(user_id=world["hb"]).limit(1).all()[0].revoked_at = utcnow()
        db.session.commit()
        assert db.session.query(ApiToken).filter_by(user_id=world["hb"]).count() == MAX_ACTIVE
    assert api.post("/auth/token", json={"email": "hb@example.com", "password": PASSWORD}).status_code == 201


def test_inventory_lists_every_api_route(app):
    """tests/api/inventory.py feeds the site-wide route inventory (tests/web/test_route_inventory.py)."""
    from tests.api.inventory import API

    present = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert present == {(endpoint, method) for endpoint, method, *_ in API}
