"""``create_app`` wires everything, and importing the package wires nothing: drop a line of the factory
and one of these fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from matchmaker.api.wiring import SessionGuard
from matchmaker.extensions import db
from matchmaker.paging import Page
from matchmaker.services import accounts, links, mailer, match_index
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BLUEPRINTS = {
    "main",
    "auth",
    "postings",
    "interests",
    "suggestions",
    "notifications",
    "admin",
    "api",
    "api-docs",  # flask-smorest's own: it serves /api/v1/openapi.json
    "api_tokens",
    "transfer",
    "account",
    "members",
    "challenges",
}


def test_blueprints_and_commands(app):
    assert set(app.blueprints) == BLUEPRINTS
    assert {"backup", "restore", "seed", "users", "matching", "pool"} <= set(app.cli.commands)
    pool = app.cli.commands["pool"].commands
    assert {"expire", "purge", "import", "export", "template", "stats"} <= set(pool)
    assert "refresh" in pool["stats"].commands


def test_login_manager(app, client, world):
    assert app.login_manager.login_view == "auth.login"
    assert app.login_manager._user_callback is accounts.load_user  # Flask-Login keeps the loader there
    refused = client.get("/me/postings")
    assert refused.status_code in (302, 303) and "/login?next=" in refused.headers["Location"]
    client.post("/login", data={"email": "bj@example.com", "password": PASSWORD})
    assert client.get("/me/postings").status_code == 200  # the user loader found the session's user


def test_api_session_guard_and_json_errors(app, client):
    assert isinstance(app.session_interface, SessionGuard)
    with client.session_transaction() as session:
        session["lang"] = "en"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.is_json and "Set-Cookie" not in api.headers
    site = client.get("/no-such-page")
    assert site.status_code == 404 and not site.is_json and "<html" in site.get_data(as_text=True)
    assert app.config["API_TOKEN_LIFETIME_DAYS"] == 30 and app.config["API_RATELIMIT_READ"] == "120/minute"


def test_mail_listeners_attached_once_however_many_apps(make_app, tmp_path):
    first, second = make_app(), make_app()
    listeners = Session().dispatch  # what every new session runs, in order
    assert list(listeners.after_commit).count(mailer._send_after_commit) == 1
    assert list(listeners.after_rollback).count(mailer._drop_after_rollback) == 1
    assert list(listeners.after_commit).count(match_index._count_commit) == 1
    second.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    with second.app_context():
        mailer.queue(db.session, "a@example.com", "once", "sent once")
        db.session.commit()
        db.session.execute(select(1))  # a use case's work: the rollback below ends a transaction
        mailer.queue(db.session, "a@example.com", "never", "rolled back")
        db.session.rollback()
        db.session.commit()
    assert [p.suffix for p in (tmp_path / "outbox").iterdir()] == [".eml"]
    assert first.session_interface is not second.session_interface


def test_links_outside_a_request(app):
    with app.test_request_context():
        expected = url_for("postings.detail", kind="needs", posting_id=7)
    with app.app_context():  # the CLI and background jobs: no request, no SERVER_NAME
        assert links.path_for("postings.detail", kind="needs", posting_id=7) == expected == "/needs/7"
        app.config["PUBLIC_URL"] = "https://pool.example.com"
        assert links.absolute(expected) == "https://pool.example.com/needs/7"


def test_importing_registers_nothing():
    """Every module imported, no app built: no listener, no user loader, no command in a group's place."""
    code = """
import matchmaker.app, matchmaker.api, matchmaker.auth.views, matchmaker.cli
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from matchmaker import database
from matchmaker.extensions import login_manager
from matchmaker.services import mailer, match_index
from matchmaker.models.curation import AuditLog, append_only
print(event.contains(AuditLog, "before_delete", append_only),
      event.contains(Session, "after_commit", mailer._send_after_commit),
      event.contains(Session, "after_commit", match_index._count_commit),
      event.contains(Engine, "connect", database._sqlite_pragmas),
      login_manager._user_callback is not None, login_manager.login_view is not None)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"] * 6


def test_page_numbers_as_flask_sqlalchemy():
    page = Page(page=7, per_page=10, total=200, items=list(range(60, 70)))
    assert list(page.iter_pages()) == [1, 2, None, 5, 6, 7, 8, 9, 10, 11, None, 19, 20]
    assert (page.pages, page.prev_num, page.next_num, list(page)[0]) == (20, 6, 8, 60)
    last = Page(page=3, per_page=10, total=25)
    assert (last.has_next, last.next_num, list(last.iter_pages(left_edge=1, right_edge=1))) == (False, None, [1, 2, 3])
    assert list(Page(page=1, per_page=10, total=0).iter_pages()) == [] and Page(1, 10, 0).pages == 0


def test_audit_rows_cannot_be_changed_through_the_orm(app, world):
    from matchmaker.models import AuditLog, User
    from matchmaker.services import audit

    with app.app_context():
        admin = db.session.get(User, world["admin"])
        row = audit.record(admin, "verify", admin.organization, reason="核验")
        db.session.commit()
        row.reason = "改写"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditLog, row.id))
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(AuditLog, row.id).reason == "核验"
