"""Logging (RELIABILITY §3.9): security events as JSON lines, no secrets, forged lines impossible, 500s traced.

LG-1 login/logout/password/registration lines, LG-2 refused requests, LG-4 no secrets in any
captured output, LG-5 injected newlines stay inside one JSON line, LG-6 an incident id shared by
the 500 page and the logged traceback. LG-3 (the audit table) is tested with the admin services.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.logs import JsonFormatter, install_json_handler
from matchmaker.models import User
from matchmaker.services import tokens
from tests.conftest import PASSWORD, login, mailed_path

ROOT = Path(__file__).resolve().parent.parent


class Captured:
    """Everything logged during a test: the JSON formatter's lines and pytest's records."""

    def __init__(self, stream: io.StringIO, caplog):
        self.stream, self.caplog = stream, caplog

    @property
    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def events(self, event: str | None = None) -> list[dict]:
        return [
            line
            for line in self.lines
            if line["logger"] == "matchmaker.security" and (event is None or line["event"] == event)
        ]

    def all_text(self) -> str:
        """The JSON output, pytest's rendering, and every attribute of every record (args, extras)."""
        records = "\n".join(f"{record.getMessage()} {vars(record)!r}" for record in self.caplog.records)
        return "\n".join((self.stream.getvalue(), self.caplog.text, records))


def _capture(caplog, level: int) -> Captured:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(level)
    return Captured(stream, caplog), handler


@pytest.fixture
def logged(caplog):
    captured, handler = _capture(caplog, logging.INFO)
    yield captured
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def logged_debug(caplog):
    captured, handler = _capture(caplog, logging.DEBUG)
    yield captured
    logging.getLogger().removeHandler(handler)


def _registration(**overrides) -> dict:
    data = {
        "name": "周工",
        "email": "zhou@example.com",
        "phone": "13912345678",
        "password": "Regist-pass-7731",
        "password2": "Regist-pass-7731",
        "org_mode": "new",
        "org_name": "石家庄示例药业有限公司",
        "org_kind": "firm",
        "org_region": "hebei",
        "org_city": "石家庄",
        "org_credit_code": make_credit_code(777),
        "org_profile": "原料药生产企业。",
        "consent": "y",
    }
    data.update(overrides)
    return data


def _csrf(page: str) -> str:
    field = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page).group(0)
    return re.search(r'value="([^"]+)"', field).group(1)


# LG-1 -----------------------------------------------------------------------------------------


def test_login_failure_success_and_logout_each_give_one_json_line(client, world, logged):
    client.post("/login", data={"email": "ghost@example.com", "password": "not the password"})
    client.post("/login", data={"email": " BJ@example.com ", "password": "not the password"})
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    client.post("/logout")

    unknown, wrong, ok = logged.events("login")
    assert unknown["result"] == "failure" and unknown["reason"] == "unknown_email"
    assert unknown["email"] == "ghost@example.com" and unknown["user_id"] is None
    assert wrong["result"] == "failure" and wrong["reason"] == "bad_password" and wrong["level"] == "WARNING"
    assert wrong["email"] == "bj@example.com" and wrong["user_id"] == world["bj"]  # as typed, normalised
    assert ok["result"] == "success" and ok["level"] == "INFO" and ok["user_id"] == world["bj"]
    [logout] = logged.events("logout")
    assert logout["result"] == "success" and logout["user_id"] == world["bj"] and logout["route"] == "/logout"
    for line in (unknown, wrong, ok, logout):
        assert line["ip"] == "127.0.0.1" and line["method"] == "POST" and line["logger"] == "matchmaker.security"
        stamp = datetime.fromisoformat(line["time"].replace("Z", "+00:00"))
        assert line["time"].endswith("Z") and stamp.utcoffset() == UTC.utcoffset(None)
        assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    assert "not the password" not in logged.all_text() and PASSWORD not in logged.all_text()


def test_a_password_typed_as_the_e_mail_is_not_logged(client, world, logged):
    client.post("/login", data={"email": "Hunter2-typed-in-the-wrong-box", "password": "x"})
    [line] = logged.events("login")
    assert line["email"] == "(not an e-mail)" and "hunter2" not in logged.all_text().lower()


def test_registration_password_change_and_deletion_are_logged(client, app, world, logged, outbox):
    client.post("/register", data=_registration(email="bj@example.com"))  # taken
    client.post("/register", data=_registration())
    refused, created = logged.events("register")
    assert (
        refused["result"] == "failure" and refused["reason"] == "email_taken" and refused["email"] == "bj@example.com"
    )
    assert created["result"] == "success" and created["email"] == "zhou@example.com" and created["ip"] == "127.0.0.1"
    client.post(mailed_path(outbox()[-1], "/register/confirm/"))  # creates the account and logs in
    with app.app_context():
        new_id = db.session.query(User.id).filter_by(email="zhou@example.com").scalar()
    assert new_id is not None and logged.events("email_confirm")[-1]["user_id"] == new_id

    form = {"new": "a fresh long passphrase", "repeat": "a fresh long passphrase"}
    client.post("/me/account/password", data={"current": "wrong guess here", **form})
    client.post("/me/account/password", data={"current": "Regist-pass-7731", "new": "12345678", "repeat": "12345678"})
    client.post("/me/account/password", data={"current": "Regist-pass-7731", **form})
    bad, weak, changed = logged.events("password_change")
    assert (bad["result"], bad["reason"], bad["user_id"]) == ("failure", "bad_current_password", new_id)
    assert (weak["result"], weak["reason"]) == ("failure", "weak_password")
    assert (changed["result"], changed["user_id"], changed["route"]) == ("success", new_id, "/me/account/password")

    client.post("/me/account/delete", data={"password": "wrong guess here"})
    client.post("/me/account/delete", data={"password": "a fresh long passphrase"})
    failed, deleted = logged.events("account_delete")
    assert failed["result"] == "failure" and failed["reason"] == "bad_password"
    assert deleted["result"] == "success" and deleted["user_id"] == new_id
    assert logged.events("logout")[-1]["user_id"] == new_id  # deletion ends the session
    text = logged.all_text()
    for secret in ("wrong guess here", "Regist-pass-7731", "a fresh long passphrase", "13912345678"):
        assert secret not in text


def test_api_token_failures_are_logged_without_the_token(client, world, logged):
    raw = "NotARealToken_abcdefghijklmnop"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    [line] = logged.events("api_token_auth")
    assert line["result"] == "failure" and line["reason"] == "invalid_token" and line["route"] == "/api/v1/me"
    assert raw not in logged.all_text()
    client.post("/api/v1/auth/token", json={"email": "bj@example.com", "password": "nope nope nope"})
    [login_line] = logged.events("login")
    assert login_line["result"] == "failure" and login_line["route"] == "/api/v1/auth/token"


# LG-2 -----------------------------------------------------------------------------------------


def test_403_and_404_for_a_logged_in_user_are_logged_with_route_and_target(client, app, world, make, logged):
    draft = make.achievement(world["bj_org"], status="draft")
    login(client, app, world["hb"])
    assert client.get("/admin/").status_code == 403
    assert client.get(f"/achievements/{draft}").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    forbidden, hidden, unknown = logged.events("access_refused")
    assert forbidden["status"] == 403 and forbidden["user_id"] == world["hb"] and forbidden["route"] == "/admin/"
    assert forbidden["method"] == "GET" and forbidden["ip"] == "127.0.0.1" and forbidden["level"] == "WARNING"
    assert hidden["status"] == 404 and hidden["user_id"] == world["hb"] and draft in hidden["target"].values()
    assert hidden["endpoint"] == "postings.detail" and hidden["route"].endswith("<int:posting_id>")
    assert unknown["status"] == 404 and unknown["path"] == "/no/such/page" and "route" not in unknown


def test_refusals_to_anonymous_visitors_are_not_security_events(client, world, logged):
    assert client.get("/no/such/page").status_code == 404
    assert logged.events("access_refused") == []


def test_api_403_and_404_are_logged_with_the_token_owner(client, app, world, make, logged):
    draft = make.achievement(world["bj_org"], status="draft")
    with app.app_context():
        _token, raw = tokens.issue(db.session.get(User, world["hb"]))
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/admin/stats", headers=headers).status_code == 403
    assert client.get(f"/api/v1/achievements/{draft}", headers=headers).status_code == 404
    forbidden, hidden = logged.events("access_refused")
    assert (forbidden["status"], forbidden["user_id"], forbidden["route"]) == (403, world["hb"], "/api/v1/admin/stats")
    assert (hidden["status"], hidden["user_id"]) == (404, world["hb"]) and draft in hidden["target"].values()
    assert raw not in logged.all_text()


# LG-4 -----------------------------------------------------------------------------------------


def test_no_password_cookie_csrf_token_or_phone_in_any_log_output(
    make_app, world, make, logged_debug, caplog, tmp_path
):
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # an operator debugging SQL (alembic.ini says WARN)
    app = make_app(WTF_CSRF_ENABLED=True, MAIL_OUTBOX_DIR=str(tmp_path / "mail"))
    draft = make.achievement(world["bj_org"], status="draft")
    client = app.test_client()
    seen_cookies, seen_csrf = set(), set()

    def post(url, data, page="/me/account"):
        token = _csrf(client.get(page).get_data(as_text=True))
        seen_csrf.add(token)
        response = client.post(url, data={**data, "csrf_token": token})
        cookie = client.get_cookie("session")
        if cookie is not None:
            seen_cookies.add(cookie.value)
        with client.session_transaction() as session:
            if "csrf_token" in session:
                seen_csrf.add(session["csrf_token"])  # the raw token the signed one is made from
        return response

    phone = "13987654321"
    post(
        "/register",
        _registration(phone=phone, password="Regist-pass-7731", password2="Regist-pass-7731"),
        page="/register",
    )
    from email import policy
    from email.parser import BytesParser

    (mail,) = [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in (tmp_path / "mail").iterdir()]
    link = mailed_path(mail, "/register/confirm/")
    post(link, {}, page=link)  # creates the account and logs in
    post("/logout", {})
    post("/login", {"email": "zhou@example.com", "password": "Wrong-guess-5521"}, page="/login")
    post("/login", {"email": "zhou@example.com", "password": "Regist-pass-7731"}, page="/login")
    post(
        "/me/account/password",
        {"current": "Bad-current-9012", "new": "Newpass-phrase-3344", "repeat": "Newpass-phrase-3344"},
    )
    post(
        "/me/account/password",
        {"current": "Regist-pass-7731", "new": "Newpass-phrase-3344", "repeat": "Newpass-phrase-3344"},
    )
    assert client.get("/admin/").status_code == 403
    assert client.get(f"/achievements/{draft}").status_code == 404

    assert {"register", "login", "logout", "password_change", "access_refused"} <= {
        e["event"] for e in logged_debug.events()
    }
    assert seen_cookies and len(seen_csrf) >= 2
    text = logged_debug.all_text()
    assert "SELECT" in text  # SQL logging was on: its parameters are hidden too
    for secret in (
        "Regist-pass-7731",
        "Wrong-guess-5521",
        "Bad-current-9012",
        "Newpass-phrase-3344",
        phone,
        link.rsplit("/", 1)[1],
        *seen_cookies,
        *seen_csrf,
    ):
        assert secret not in text, secret


# LG-5 -----------------------------------------------------------------------------------------


def test_newline_in_a_login_name_stays_inside_one_json_line(client, world, logged):
    forged = "mallory@example.com\n[INFO] admin logged in"
    client.post("/login", data={"email": forged, "password": "whatever it is"})
    raw = logged.stream.getvalue()
    assert not any(line.startswith("[INFO]") for line in raw.splitlines())
    assert len(raw.splitlines()) == len(logged.caplog.records)  # one line per record
    [line] = logged.events("login")
    assert line["email"] == forged.lower() and line["result"] == "failure"
    assert "mallory@example.com\\n[info] admin logged in" in raw  # escaped in the text itself


def test_formatter_escapes_every_line_breaking_or_reordering_character():
    tricky = "a\nb\rc\x00d\x85e\u2028f\u2029g\u202eh\x7f"
    record = logging.LogRecord("matchmaker.security", logging.INFO, __file__, 1, "msg %s", (tricky,), None)
    record.email = tricky
    text = JsonFormatter().format(record)
    assert len(text.splitlines()) == 1
    assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202e]", text)
    entry = json.loads(text)
    assert entry["email"] == tricky and entry["message"] == f"msg {tricky}"
    assert (
        json.loads(JsonFormatter().format(logging.LogRecord("x", 20, __file__, 1, "北京", (), None)))["message"]
        == "北京"
    )


# LG-6 -----------------------------------------------------------------------------------------


def test_forced_exception_gives_generic_500_with_the_incident_id_that_is_logged(app, make_app, logged):
    boom_app = make_app()  # its own app: the shared one (and the route inventory) never has /_boom

    def boom():
        raise RuntimeError("secret detail 4242")

    boom_app.add_url_rule("/_boom", "boom", boom)
    assert "/_boom" not in {rule.rule for rule in app.url_map.iter_rules()}

    response = boom_app.test_client().get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "事件编号" in page
    assert "Traceback" not in page and "RuntimeError" not in page and "secret detail" not in page
    incident = re.search(r"事件编号：([0-9a-f]{8})", page).group(1)

    [record] = [r for r in logged.caplog.records if getattr(r, "incident", None) == incident]
    assert record.levelno == logging.ERROR and record.exc_info[0] is RuntimeError and incident in record.getMessage()
    [line] = [line for line in logged.lines if line.get("incident") == incident]
    assert line["route"] == "/_boom" and line["level"] == "ERROR"
    assert line["exc"].startswith("Traceback") and "RuntimeError: secret detail 4242" in line["exc"]


# Wiring ---------------------------------------------------------------------------------------


def test_json_handler_is_installed_once_and_only_where_logging_is_unconfigured():
    logger, root, stream = logging.Logger("matchmaker-test"), logging.Logger("root-test"), io.StringIO()
    assert install_json_handler(logger, root, stream) is True
    assert install_json_handler(logger, root, stream) is False and len(logger.handlers) == 1
    assert logger.level == logging.INFO
    logger.info("hello %s", "世界", extra={"event": "probe"})
    assert json.loads(stream.getvalue()) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "matchmaker-test",
        "message": "hello 世界",
        "event": "probe",
    }

    configured, root_with_handler = logging.Logger("other"), logging.Logger("root-test-2")
    root_with_handler.addHandler(logging.NullHandler())
    assert install_json_handler(configured, root_with_handler) is False and configured.handlers == []


def test_a_production_like_process_writes_json_lines_to_stderr(tmp_path):
    """Outside pytest nothing has configured logging: create_app's handler is the only one."""
    script = """
import logging
from matchmaker.app import create_app
from matchmaker.logs import security_event
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_request_context("/login", method="POST", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
    security_event("login", result="failure", email="x@example.com\\n[INFO] admin logged in")
    app.logger.warning("through app.logger")
"""
    env = {**os.environ, "MATCHMAKER_ENV": "testing"}
    env.pop("LOG_JSON", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("matchmaker.security", "login"),
        ("matchmaker.app", "through app.logger"),
    ]
    assert lines[0]["ip"] == "10.1.2.3" and lines[0]["email"] == "x@example.com\n[INFO] admin logged in"
