"""One JSON error shape for everything under /api/, HTML error pages everywhere else; rate limits."""

import pytest

from matchmaker.api import bp
from matchmaker.extensions import db
from matchmaker.models import Need
from tests.api.conftest import NEED, error_of
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("GET", "/api/v1/no-such-thing", 404, "not_found"),
        ("GET", "/api/v1", 404, "not_found"),
        ("GET", "/api/v2/achievements", 404, "not_found"),
        ("DELETE", "/api/v1/achievements", 405, "method_not_allowed"),
        ("PUT", "/api/v1/needs/1", 405, "method_not_allowed"),
        ("GET", "/api/v1/auth/token", 405, "method_not_allowed"),
    ],
)
def test_routing_errors_answer_json(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status and error_of(response)["code"] == code
    if status == 405:
        assert "GET" in response.headers["Allow"] or "POST" in response.headers["Allow"]


def test_site_pages_keep_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert client.delete("/login").mimetype == "text/html"


@pytest.mark.parametrize(
    "kwargs, status, code",
    [
        ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ({"data": "{}", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": "{}", "content_type": "application/json; charset=latin-1"}, 415, "unsupported_media_type"),
        ({"data": "", "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": '{"title": ', "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": b"\xff\xfe{}", "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": '{"trl": NaN}', "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": '{"title": "a", "title": "b"}', "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": '{"title": "\\ud800"}', "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": "[" * 100_000, "content_type": "application/json"}, 400, "invalid_json"),
        ({"data": "[1, 2]", "content_type": "application/json"}, 422, "validation_failed"),
        ({"data": '"text"', "content_type": "application/json"}, 422, "validation_failed"),
        (
            {"data": '{"x": "' + "a" * (1024 * 1024) + '"}', "content_type": "application/json"},
            413,
            "payload_too_large",
        ),
    ],
)
def test_body_errors(api, app, kwargs, status, code):
    response = api.post("/needs", as_="hb", **kwargs)
    assert response.status_code == status and error_of(response)["code"] == code
    with app.app_context():
        assert db.session.query(Need).count() == 0


def test_unexpected_exception_answers_json_500(app, client):
    def boom(*_args, **_kwargs):
        raise RuntimeError("planted")

    app.view_functions["api.me"] = boom
    response = client.get("/api/v1/me")
    assert response.status_code == 500 and error_of(response)["code"] == "server_error"
    assert "planted" not in response.get_data(as_text=True) and response.headers["X-Incident-Id"]


def test_english_messages_on_request(client):
    zh = error_of(client.get("/api/v1/nothing"))
    en = error_of(client.get("/api/v1/nothing", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert zh["message"] == "未找到，或您无权查看。" and en["message"] == "Not found, or not visible to you."


def test_rate_limits_answer_429_with_retry_after(make_app, world):
    # The token endpoint checks a password: it counts in the login budget (AUTH_RATE_LIMIT, shared with /login).
    app = make_app(
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMIT="2/minute",
        API_RATELIMIT_READ="3/minute",
        API_RATELIMIT_WRITE="2/minute",
    )
    client = app.test_client()
    tokens = [
        client.post("/api/v1/auth/token", json={"email": "hb@example.com", "password": PASSWORD}) for _ in range(3)
    ]
    assert [r.status_code for r in tokens] == [201, 201, 429]
    limited = tokens[2]
    assert error_of(limited)["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0

    first, second = (r.get_json()["token"] for r in tokens[:2])
    reads = [client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"}) for _ in range(4)]
    assert [r.status_code for r in reads] == [200, 200, 200, 429] and "Retry-After" in reads[3].headers
    # Counted per token: the second token has its own budget; anonymous calls count per address.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    assert [client.get("/api/v1/needs").status_code for _ in range(4)][-1] == 429

    writes = [client.post("/api/v1/needs", json=NEED, headers={"Authorization": f"Bearer {second}"}) for _ in range(3)]
    assert [r.status_code for r in writes] == [201, 201, 429]
    with app.app_context():
        assert db.session.query(Need).count() == 2


def test_limits_are_config_keys(app):
    assert app.config["API_RATELIMIT_READ"] == "120/minute" and app.config["API_RATELIMIT_WRITE"] == "30/minute"
    assert app.config["API_RATELIMIT_TOKEN"] == "10/minute"
    assert bp.name == "api" and bp.url_prefix == "/api/v1"
