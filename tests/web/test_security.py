"""Response hardening: headers, private pages not cached, login rate limit, production cookies."""

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
    codes = [client.post("/login", data={"email": "x@example.com", "password": "wrong password"}).status_code
             for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    limited = client.post("/login", data={"email": "x@example.com", "password": "wrong password"})
    assert int(limited.headers["Retry-After"]) > 0 and "请求过于频繁" in limited.get_data(as_text=True)


def test_production_cookie_and_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = app.test_client().get("/about", base_url="https://localhost")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_production_refuses_to_start_without_secret(monkeypatch):
    import pytest

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
