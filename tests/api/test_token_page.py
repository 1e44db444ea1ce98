"""The token page: login required, token shown once, listed by prefix, revoked by its owner only."""

import re

from matchmaker.extensions import db
from matchmaker.models import ApiToken
from tests.conftest import login


def test_login_required(client):
    response = client.get("/me/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_create_shows_the_token_once_and_lists_it(client, app, world):
    login(client, app, world["hb"])
    response = client.post("/me/tokens", data={"name": "ERP 对接", "days": "90"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    raw = re.search(r'id="token-value">([A-Za-z0-9_\-]+)<', page).group(1)
    assert "只显示这一次" in page
    with app.app_context():
        row = db.session.query(ApiToken).one()
        assert row.user_id == world["hb"] and row.name == "ERP 对接" and raw.startswith(row.prefix)
        assert (row.expires_at - row.created_at).days == 90
    listing = client.get("/me/tokens").get_data(as_text=True)
    assert raw not in listing and row.prefix in listing and "ERP 对接" in listing and "从未使用" in listing
    assert "API 令牌" in listing  # the link in the site's menu
    # The token works on the API.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).get_json()["id"] == world["hb"]


def test_invalid_name_is_refused(client, app, world):
    login(client, app, world["hb"])
    assert client.post("/me/tokens", data={"name": "", "days": "30"}).status_code == 400
    assert client.post("/me/tokens", data={"name": "x", "days": "9999"}).status_code == 400
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_revoke_own_token_only(client, app, world, api):
    raw = api.token("hb")
    other = api.token("bj")
    with app.app_context():
        own_id = db.session.query(ApiToken).filter_by(user_id=world["hb"]).one().id
        other_id = db.session.query(ApiToken).filter_by(user_id=world["bj"]).one().id
    login(client, app, world["hb"])
    assert client.post(f"/me/tokens/{other_id}/revoke").status_code == 404
    response = client.post(f"/me/tokens/{own_id}/revoke")
    assert response.status_code == 303 and response.headers["Location"].endswith("/me/tokens")
    assert "已撤销" in client.get("/me/tokens").get_data(as_text=True)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_forms_are_csrf_protected(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, app, world["hb"])
    assert client.post("/me/tokens", data={"name": "no csrf", "days": "30"}).status_code == 400
    page = client.get("/me/tokens").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/me/tokens", data={"name": "with csrf", "days": "30", "csrf_token": token}).status_code == 200
    with app.app_context():
        row = db.session.query(ApiToken).one()
        assert row.name == "with csrf"
    assert client.post(f"/me/tokens/{row.id}/revoke").status_code == 400
    with app.app_context():
        assert db.session.get(ApiToken, row.id).revoked_at is None
