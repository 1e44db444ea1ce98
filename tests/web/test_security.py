"""Response hardening: headers, private pages not cached, login rate limit, production cookies."""

import logging

import pytest

from matchmaker.app import create_app
from tests.conftest import login


def test_security_headers_on_every_page(client):
    for url in ("/", "/achievements/", "/login", "/nope"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only in production (TLS)


def test_private_pages_are_not_cached(client, app, world):
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    login(client, app, world["hb"])
    for url in ("/", "/me/postings", "/me/notifications"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_no_inline_script_or_style_in_templates():
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and " style=" not in text and "onclick" not in text, path
        assert "|safe" not in text and "Markup(" not in text, path


def test_login_is_rate_limited(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post("/login", data={"email": "x@example.com", "password": "wrong password"}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    limited = client.post("/login", data={"email": "x@example.com", "password": "wrong password"})
    assert int(limited.headers["Retry-After"]) > 0 and "请求过于频繁" in limited.get_data(as_text=True)


def _login_codes(client, addresses: list[str]) -> list[int]:
    return [
        client.post(
            "/login",
            data={"email": "x@example.com", "password": "wrong password"},
            headers={"X-Forwarded-For": address},
        ).status_code
        for address in addresses
    ]


def test_behind_a_proxy_each_forwarded_client_has_its_own_budget_and_logged_ip(make_app, world, caplog):
    """RL-4: PROXY_FIX_X_FOR=1 keys the limit and the logs on the address the proxy appended."""
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute", PROXY_FIX_X_FOR=1)
    client = app.test_client()
    assert _login_codes(client, ["203.0.113.7"] * 4) == [200, 200, 200, 429]
    assert _login_codes(client, ["198.51.100.9"] * 3) == [200, 200, 200]  # another client, its own budget
    # A client's own X-Forwarded-For entry comes first; the proxy appends the real peer, which counts.
    assert _login_codes(client, ["192.0.2.1, 203.0.113.7"]) == [429]
    logged = [r.ip for r in caplog.records if getattr(r, "event", None) == "login"]
    assert logged == ["203.0.113.7"] * 3 + ["198.51.100.9"] * 3


def test_without_a_trusted_proxy_a_spoofed_forwarded_for_is_ignored(make_app, world, caplog):
    caplog.set_level(logging.INFO, logger="matchmaker.security")
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute")
    assert app.config["PROXY_FIX_X_FOR"] == 0
    codes = _login_codes(app.test_client(), ["203.0.113.7", "198.51.100.9", "192.0.2.1", "192.0.2.2"])
    assert codes == [200, 200, 200, 429]  # one peer, one budget, whatever the header says
    assert {r.ip for r in caplog.records if getattr(r, "event", None) == "login"} == {"127.0.0.1"}


def test_proxy_fix_x_for_is_read_from_the_environment(monkeypatch, tmp_path):
    from werkzeug.middleware.proxy_fix import ProxyFix

    url = f"sqlite:///{tmp_path / 'p.db'}"
    monkeypatch.setenv("PROXY_FIX_X_FOR", "2")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    assert app.config["PROXY_FIX_X_FOR"] == 2 and isinstance(app.wsgi_app, ProxyFix)
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto, app.wsgi_app.x_host) == (2, 2, 0)
    monkeypatch.setenv("PROXY_FIX_X_FOR", "0")
    assert not isinstance(create_app("testing", {"SQLALCHEMY_DATABASE_URI": url}).wsgi_app, ProxyFix)
    monkeypatch.setenv("PROXY_FIX_X_FOR", "yes")
    with pytest.raises(RuntimeError, match="PROXY_FIX_X_FOR"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})


def test_production_cookie_and_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app(
        "production",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "PUBLIC_URL": "https://pool.example.com"},
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = app.test_client().get("/about", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
