"""Forgotten password: the mailed link, its one use, its expiry, and what it must never reveal."""

from __future__ import annotations

import logging
import re
import time
from email import policy
from email.parser import BytesParser

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import update

from matchmaker.extensions import db
from matchmaker.models import Organization, User
from matchmaker.services import password_reset, passwords
from tests.conftest import PASSWORD, login, mailed_path

NEW_PASSWORD = "purple elephant sings"
EN = {"Accept-Language": "en"}


def _link(mail) -> str:
    return mailed_path(mail, "/password/reset/")


def _hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def _can_log_in(app, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code in (302, 303)


def _request_link(client, outbox, email="hb@example.com", **kw) -> str:
    client.post("/password/forgot", data={"email": email}, **kw)
    return _link(outbox()[-1])


def _token(app, user_id: int) -> str:
    with app.app_context():
        return password_reset.make_token(db.session.get(User, user_id))


def test_login_page_links_to_the_forgotten_password_page(client):
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page
    page = client.get("/password/forgot", headers=EN).get_data(as_text=True)
    assert page.count("<h1>") == 1 and 'name="email"' in page and "<script>" not in page
    zh = client.get("/login").get_data(as_text=True)  # Chinese by default
    assert "忘记密码？" in zh and "Forgot your password?" not in zh
    zh = client.get("/password/forgot").get_data(as_text=True)
    assert "发送链接" in zh and "Send the link" not in zh


def test_known_and_unknown_emails_get_the_same_answer(app, world, outbox):
    answers = []
    for email in ("hb@example.com", "ghost@example.com", "HB@example.com "):
        response = app.test_client().post("/password/forgot", data={"email": email}, headers=EN, follow_redirects=True)
        answers.append(
            (response.status_code, [r.headers["Location"] for r in response.history], response.get_data(as_text=True))
        )
    assert answers[0] == answers[1] == answers[2]
    status, locations, page = answers[0]
    assert status == 200 and locations == ["/login"] and "If an account with this e-mail exists" in page
    mails = outbox()
    assert [m["To"] for m in mails] == ["hb@example.com", "hb@example.com"]  # none for the unknown e-mail


def test_forgot_form_refuses_a_malformed_email(client, world, outbox):
    response = client.post("/password/forgot", data={"email": "not an e-mail"})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert outbox() == []


def test_unknown_email_costs_a_password_hash_too(client, world, outbox, monkeypatch):
    burned = []
    monkeypatch.setattr(passwords, "burn_time", lambda password: burned.append(password))
    for email in ("hb@example.com", "ghost@example.com"):
        client.post("/password/forgot", data={"email": email})
    assert len(burned) == 2


def test_mail_is_in_the_language_of_the_request(client, world, outbox):
    client.post("/password/forgot", data={"email": "hb@example.com"})
    client.post("/password/forgot", data={"email": "hb@example.com"}, headers=EN)
    zh, en = outbox()
    assert "京津冀科技成果供需库" in zh["Subject"] and "京津冀科技成果供需库" in zh.get_content()
    assert "Set a new password" in en["Subject"] and "60 minutes" in en.get_content()
    assert "京津冀" not in en.get_content()
    assert _link(zh).startswith("/password/reset/") and _link(en).startswith("/password/reset/")


def test_link_uses_the_configured_address_not_the_request_host(app, client, world, outbox):
    app.config["PUBLIC_URL"] = "https://pool.example.com/"
    client.post("/password/forgot", data={"email": "hb@example.com"}, headers={"Host": "evil.example"})
    body = outbox()[0].get_content()
    assert "https://pool.example.com/password/reset/" in body and "evil.example" not in body


def test_mailed_link_sets_a_new_password(app, client, world, outbox):
    link = _request_link(client, outbox)
    page = client.get(link)
    assert page.status_code == 200 and "新密码" in page.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD}, headers=EN)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your new password is set" in client.get("/login", headers=EN).get_data(as_text=True)
    assert not _can_log_in(app, "hb@example.com", PASSWORD)
    assert _can_log_in(app, "hb@example.com", NEW_PASSWORD)
    with app.app_context():
        assert db.session.get(User, world["hb"]).password_hash.startswith("$argon2id$")


def test_reset_ends_every_session_and_logs_nobody_in(app, client, world, outbox):
    login(client, app, world["hb"])
    assert client.get("/me/account").status_code == 200
    other = app.test_client()
    link = _request_link(other, outbox)
    other.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "/login" in client.get("/me/account").headers["Location"]  # the old cookie no longer works
    assert "/login" in other.get("/me/account").headers["Location"]  # and the reset did not log in


def test_reset_while_logged_in_as_someone_else_logs_out(app, client, world, outbox):
    link = _request_link(app.test_client(), outbox)
    login(client, app, world["bj"])
    client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert "/login" in client.get("/me/account").headers["Location"]
    assert _can_log_in(app, "bj@example.com", PASSWORD)  # bj's own account is untouched


def test_link_works_only_once(app, client, world, outbox):
    link = _request_link(client, outbox)
    client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    after = _hash(app, world["hb"])
    page = client.get(link, headers=EN)
    assert page.status_code == 400 and "not valid" in page.get_data(as_text=True)
    assert 'href="/password/forgot"' in page.get_data(as_text=True) and 'name="password"' not in page.get_data(
        as_text=True
    )
    again = client.post(link, data={"password": "another fine phrase", "password2": "another fine phrase"})
    assert again.status_code == 400 and _hash(app, world["hb"]) == after
    assert _can_log_in(app, "hb@example.com", NEW_PASSWORD)


def test_a_newer_password_ends_older_links_a_logout_does_not(app, client, world, outbox):
    link = _request_link(client, outbox)
    login(client, app, world["hb"])
    client.post("/logout")  # a logout (here or on another device) leaves the link working
    assert client.get(link).status_code == 200
    other = app.test_client()
    login(other, app, world["hb"])
    changed = other.post(
        "/me/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert client.get(link).status_code == 400


def test_expired_link_is_refused(app, client, world, monkeypatch):
    real_time = time.time
    with monkeypatch.context() as frozen:
        frozen.setattr(time, "time", lambda: real_time() - 30 * 60)
        recent = _token(app, world["hb"])
        frozen.setattr(time, "time", lambda: real_time() - 3600 - 5)
        expired = _token(app, world["hb"])
    assert client.get(f"/password/reset/{recent}").status_code == 200
    before = _hash(app, world["hb"])
    assert client.get(f"/password/reset/{expired}").status_code == 400
    response = client.post(f"/password/reset/{expired}", data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400 and _hash(app, world["hb"]) == before


def test_max_age_comes_from_the_config(app, client, world, monkeypatch):
    real_time = time.time
    with monkeypatch.context() as frozen:
        frozen.setattr(time, "time", lambda: real_time() - 120)
        token = _token(app, world["hb"])
    assert client.get(f"/password/reset/{token}").status_code == 200
    app.config["PASSWORD_RESET_MAX_AGE"] = 60
    assert client.get(f"/password/reset/{token}").status_code == 400


def test_tampered_or_forged_links_are_refused(app, client, world):
    token = _token(app, world["hb"])
    secret = app.config["SECRET_KEY"]
    forged = [
        token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),  # signature altered
        URLSafeTimedSerializer("not-the-secret", salt=password_reset.SALT).dumps([world["hb"], "0" * 32]),
        URLSafeTimedSerializer(secret, salt="another-purpose").dumps([world["hb"], "0" * 32]),
        URLSafeTimedSerializer(secret, salt=password_reset.SALT).dumps([world["hb"], "0" * 32]),  # wrong fingerprint
        URLSafeTimedSerializer(secret, salt=password_reset.SALT).dumps(["1", "x"]),
        "x" * 300,
    ]
    before = _hash(app, world["hb"])
    for bad in forged:
        assert client.get(f"/password/reset/{bad}").status_code == 400, bad
        response = client.post(f"/password/reset/{bad}", data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 400, bad
    assert _hash(app, world["hb"]) == before


def test_weak_or_mismatched_password_is_refused_in_the_users_language(app, client, world, outbox):
    link = _request_link(client, outbox)
    before = _hash(app, world["hb"])
    weak = client.post(link, data={"password": "12345678", "password2": "12345678"})
    assert weak.status_code == 400 and "该密码过于常见" in weak.get_data(as_text=True)
    weak = client.post(link, data={"password": "12345678", "password2": "12345678"}, headers=EN)
    assert "This password is too common" in weak.get_data(as_text=True)
    short = client.post(link, data={"password": "abc", "password2": "abc"}, headers=EN)
    assert short.status_code == 400 and "Use at least 8 characters." in short.get_data(as_text=True)
    differ = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert differ.status_code == 400 and "两次输入的密码不一致" in differ.get_data(as_text=True)
    assert _hash(app, world["hb"]) == before
    ok = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})  # the link is still live
    assert ok.status_code == 303


@pytest.mark.parametrize("blocked", ["deactivated", "suspended"])
def test_accounts_that_cannot_log_in_get_no_link(app, client, world, outbox, blocked):
    token = _token(app, world["hb"])  # issued while the account was still active
    with app.app_context():
        if blocked == "deactivated":
            db.session.get(User, world["hb"]).active = False
        else:
            db.session.get(Organization, world["hb_org"]).suspended = True
        db.session.commit()
    known = client.post("/password/forgot", data={"email": "hb@example.com"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "ghost@example.com"}, follow_redirects=True)
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert outbox() == []
    before = _hash(app, world["hb"])
    response = client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400 and _hash(app, world["hb"]) == before


def test_reset_page_is_not_cached_and_sends_no_referer(app, client, world):
    token = _token(app, world["hb"])
    for response in (client.get(f"/password/reset/{token}"), client.get("/password/reset/nonsense")):
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        page = response.get_data(as_text=True)
        assert page.count("<h1>") == 1 and "<script>" not in page
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"


def test_a_link_used_concurrently_succeeds_once(app, world, monkeypatch):
    """The update is conditional: a change that lands between the check and the write wins."""
    token = _token(app, world["hb"])
    real_hash = passwords.hash_password

    def hash_while_another_request_resets(password):
        with db.engine.begin() as connection:  # a second worker, its own connection
            connection.execute(update(User).where(User.id == world["hb"]).values(password_hash="changed-elsewhere"))
        return real_hash(password)

    monkeypatch.setattr(passwords, "hash_password", hash_while_another_request_resets)
    with app.app_context():
        with pytest.raises(password_reset.InvalidLink):
            password_reset.reset_password(token, NEW_PASSWORD)
    assert _hash(app, world["hb"]) == "changed-elsewhere"


@pytest.mark.parametrize("url", ["/password/forgot", "/password/reset/{token}"])
def test_posts_are_rate_limited(make_app, world, url):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute")
    url = url.format(token=_token(app, world["hb"]))
    client = app.test_client()
    data = {"email": "ghost@example.com", "password": "x", "password2": "y"}
    codes = [client.post(url, data=data).status_code for _ in range(5)]
    assert 429 not in codes[:3] and codes[3:] == [429, 429]
    limited = client.post(url, data=data)
    assert int(limited.headers["Retry-After"]) > 0 and "请求过于频繁" in limited.get_data(as_text=True)
    assert client.get(url).status_code == 200  # reading the page is not limited


def test_requests_and_resets_are_logged_without_the_link(app, client, world, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/password/forgot", data={"email": "ghost@example.com"})
    link = _request_link(client, outbox)
    client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.get(link)
    events = [
        (r.event, r.result, getattr(r, "reason", None), r.user_id)
        for r in caplog.records
        if r.name == "matchmaker.security" and r.event.startswith("password_reset")
    ]
    assert events == [
        ("password_reset_request", "failure", "unknown_email", None),
        ("password_reset_request", "success", None, world["hb"]),
        ("password_reset", "success", None, world["hb"]),
        ("password_reset", "failure", "used_or_superseded", world["hb"]),
    ]
    token = link.rsplit("/", 1)[1]
    logged = caplog.text + "\n".join(repr(vars(record)) for record in caplog.records)
    assert token not in logged and NEW_PASSWORD not in logged


def test_forms_carry_a_csrf_token_from_a_fresh_browser(make_app, world):
    """The link is opened in a browser with no session yet: the page's own token must suffice."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client, link = app.test_client(), f"/password/reset/{_token(app, world['hb'])}"
    before = _hash(app, world["hb"])
    refused = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert refused.status_code == 400 and _hash(app, world["hb"]) == before
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(link).get_data(as_text=True)).group(
        1
    )
    done = client.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD, "csrf_token": csrf})
    assert done.status_code == 303 and _hash(app, world["hb"]) != before
    page = client.get("/password/forgot").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_one_inbox_gets_at_most_the_configured_mails_from_many_addresses(make_app, world, tmp_path):
    """RESET_MAIL_LIMIT counts per e-mail: rotating client addresses does not flood an inbox."""
    box = tmp_path / "limited-outbox"
    app = make_app(
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMIT="100 per minute",
        RESET_MAIL_LIMIT="2 per hour",
        MAIL_OUTBOX_DIR=str(box),
    )
    codes = []
    for n in range(4):
        client = app.test_client()
        response = client.post(
            "/password/forgot", data={"email": "hb@example.com"}, environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        )
        codes.append(response.status_code)
    assert codes == [303, 303, 429, 429]
    other = app.test_client().post(
        "/password/forgot", data={"email": "bj@example.com"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 303  # another address is not affected
    mails = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in box.iterdir()]
    assert sorted(m["To"] for m in mails) == ["bj@example.com", "hb@example.com", "hb@example.com"]
