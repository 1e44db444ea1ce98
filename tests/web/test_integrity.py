"""What an attacker tried from outside (issue #13), each as a test: tokens, links, audit, budgets, imports, logs.

Membership (item 1) is in test_membership.py, merges (2) in test_admin.py, the races (3) in
tests/test_races.py, the 500s (6) in test_fuzz.py, interest loops (8) in services/test_interests.py.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import urllib.request
import zipfile

import pytest
from werkzeug.serving import make_server

from matchmaker.app import create_app
from matchmaker.extensions import db
from matchmaker.models import AuditLog, User
from matchmaker.services import interests, password_reset, tokens
from matchmaker.transfer import sheets
from tests.conftest import PASSWORD, login
from tests.transfer.conftest import need_row, xlsx_bytes

NEW_PASSWORD = "purple elephant sings"
ACH_CONTACT = "wang.contact@example.com"


def _token(app, user_id: int) -> str:
    with app.app_context():
        return tokens.issue(db.session.get(User, user_id), "script")[1]


def _works(app, raw: str) -> bool:
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200


# 4. API tokens end with the password and with an admin's "end sessions" -----------------------------


def test_password_change_revokes_api_tokens(app, world):
    raw = _token(app, world["hb"])
    assert _works(app, raw)
    client = app.test_client()
    login(client, app, world["hb"])
    response = client.post(
        "/me/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert not _works(app, raw)
    assert _works(app, _token(app, world["hb"]))  # a token made afterwards works


def test_password_reset_revokes_api_tokens(app, world):
    raw = _token(app, world["hb"])
    with app.app_context():
        link = password_reset.make_token(db.session.get(User, world["hb"]))
    response = app.test_client().post(
        f"/password/reset/{link}", data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert not _works(app, raw)


def test_admin_end_sessions_revokes_api_tokens(app, world):
    raw = _token(app, world["hb"])
    admin = app.test_client()
    login(admin, app, world["admin"])
    assert admin.post(f"/admin/users/{world['hb']}/end-sessions", data={"reason": "笔记本电脑丢失"}).status_code == 303
    assert not _works(app, raw)


# 5. Mailed links never take their host from the request in production ---------------------------


def test_production_refuses_to_start_without_public_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app("production", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    monkeypatch.setenv("PUBLIC_URL", "https://pool.example.com")
    app = create_app("production", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert app.config["PUBLIC_URL"] == "https://pool.example.com"


def test_reset_link_uses_public_url_whatever_the_host_header(app, world, outbox):
    app.config["PUBLIC_URL"] = "https://pool.example.com"
    app.test_client().post("/password/forgot", data={"email": "hb@example.com"}, headers={"Host": "evil.example"})
    body = outbox()[-1].get_content()
    assert "https://pool.example.com/password/reset/" in body and "evil.example" not in body


# 7. An admin reading contacts through the API leaves the same audit row as on the page ------------


@pytest.fixture
def accepted(app, make, world):
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    with app.app_context():
        interest = interests.express(db.session.get(User, world["hb"]), need, ach, "")
        interests.accept(db.session.get(User, world["bj"]), interest)
        return {"need": need, "ach": ach, "interest": interest.id}


def _reveals(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [
            (row.target_type, row.target_id)
            for row in db.session.scalars(
                db.select(AuditLog).where(AuditLog.action == "contact_reveal").order_by(AuditLog.id)
            )
        ]


def test_admin_contact_reads_through_the_api_are_audited(app, world, make, accepted):
    raw = _token(app, world["admin"])
    headers = {"Authorization": f"Bearer {raw}"}
    client = app.test_client()
    body = client.get(f"/api/v1/achievements/{accepted['ach']}", headers=headers).get_json()
    assert body["contact_email"] == ACH_CONTACT
    assert _reveals(app) == [("achievement", accepted["ach"])]
    body = client.get(f"/api/v1/interests/{accepted['interest']}", headers=headers).get_json()
    assert body["contacts"]["achievement"]["email"] == ACH_CONTACT
    assert _reveals(app)[-1] == ("interest", accepted["interest"])
    make.achievement(world["bj_org"], status="pending", title="待审核的成果")
    queue = client.get("/api/v1/admin/review-queue", headers=headers)
    assert queue.status_code == 200 and ACH_CONTACT not in queue.get_data(as_text=True)  # no contacts in the list
    assert len(_reveals(app)) == 2
    # The pages write the same rows; the parties themselves leave none.
    page = app.test_client()
    login(page, app, world["admin"])
    assert ACH_CONTACT in page.get(f"/achievements/{accepted['ach']}").get_data(as_text=True)
    assert _reveals(app)[-1] == ("achievement", accepted["ach"])
    party = app.test_client()
    login(party, app, world["hb"])
    party.get(f"/interests/{accepted['interest']}")
    party.get(
        f"/api/v1/interests/{accepted['interest']}", headers={"Authorization": f"Bearer {_token(app, world['hb'])}"}
    )
    assert len(_reveals(app)) == 3


# 12. After consent is withdrawn: the other side no longer sees it; admins (audited) still do ------


def test_withdrawn_consent_hides_the_contact_from_the_other_side_not_from_admins(app, world, accepted):
    institute = app.test_client()
    login(institute, app, world["bj"])
    institute.post(f"/interests/{accepted['interest']}/contact", data={"consent": "withdraw"})
    firm = app.test_client()
    login(firm, app, world["hb"])
    assert ACH_CONTACT not in firm.get(f"/achievements/{accepted['ach']}").get_data(as_text=True)
    assert ACH_CONTACT not in firm.get(f"/interests/{accepted['interest']}").get_data(as_text=True)
    firm_api = {"Authorization": f"Bearer {_token(app, world['hb'])}"}
    assert ACH_CONTACT not in app.test_client().get(
        f"/api/v1/achievements/{accepted['ach']}", headers=firm_api
    ).get_data(as_text=True)
    admin = app.test_client()
    login(admin, app, world["admin"])
    assert ACH_CONTACT in admin.get(f"/achievements/{accepted['ach']}").get_data(as_text=True)  # the posting's own
    assert ACH_CONTACT not in admin.get(f"/interests/{accepted['interest']}").get_data(as_text=True)  # not shared there
    assert _reveals(app) == [("achievement", accepted["ach"]), ("interest", accepted["interest"])]


# 11. One budget of password guesses per address and per account, page and API together ------------


def test_login_page_and_token_endpoint_share_one_budget(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per minute", AUTH_ACCOUNT_LIMIT="100 per hour")
    client = app.test_client()
    wrong = {"email": "hb@example.com", "password": "not the password"}
    assert client.post("/login", data=wrong).status_code == 200
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert client.post("/login", data=wrong).status_code == 200
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 429
    assert client.post("/login", data=wrong).status_code == 429


def test_guesses_at_one_account_from_many_addresses_are_counted_together(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="100 per minute", AUTH_ACCOUNT_LIMIT="3 per hour")
    wrong = {"email": "hb@example.com", "password": "not the password"}
    statuses = [
        app.test_client().post("/login", data=wrong, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
        for n in range(1, 5)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another account from the same addresses is not blocked.
    other = {"email": "bj@example.com", "password": PASSWORD}
    assert app.test_client().post("/login", data=other, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 302


# 9. A workbook that declares a huge sheet, or holds a huge cell ----------------------------------


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook with ``<dimension ref=…>`` rewritten (what a hostile file declares)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index('<dimension ref="')
                end = text.index("/>", start)
                content = (text[:start] + f'<dimension ref="{ref}"' + text[end:]).encode()
            target.writestr(item, content)
    return out.getvalue()


def test_declared_dimension_is_ignored(app, world):
    data = _with_dimension(xlsx_bytes("need", [need_row("N-1")]), "A1:XFD1048576")
    assert len(data) < 10_000
    rows = sheets.read_rows("xlsx", data)
    assert len(rows) == 2 and all(len(cells) <= sheets.MAX_COLUMNS for _n, cells in rows)


def test_huge_cell_is_refused_and_the_report_stays_small(app, world):
    data = xlsx_bytes("need", [need_row("N-1", title="长" * 2_000_000)])
    assert len(data) < 200_000  # compresses well: the attack is small on the wire
    admin = app.test_client()
    login(admin, app, world["admin"])
    response = admin.post(
        "/admin/transfer/import",
        data={"file": (io.BytesIO(data), "needs.xlsx"), "kind": "need", "dry_run": "y"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "超过 20000 个字符" in page and len(page) < 50_000


def test_echoed_cells_are_shortened_in_the_report(app, world, codes):
    admin = app.test_client()
    login(admin, app, world["admin"])
    row = need_row("N-1", codes["hb_org"], field="钢" * 5000)
    data = xlsx_bytes("need", [row])
    page = admin.post(
        "/admin/transfer/import",
        data={"file": (io.BytesIO(data), "needs.xlsx"), "kind": "need", "dry_run": "y"},
        content_type="multipart/form-data",
    )
    text = page.get_data(as_text=True)
    assert "钢" * 400 not in text and len(text) < 50_000


@pytest.fixture
def codes(app, world) -> dict:
    from matchmaker.models import Organization

    with app.app_context():
        return {key: db.session.get(Organization, world[key]).credit_code for key in ("bj_org", "hb_org")}


# 13. The development server's access log does not write mailed links whole -----------------------


def test_dev_server_access_log_redacts_mailed_tokens(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in ("/password/reset/SECRETTOKEN123abc", "/register/confirm/SECRETTOKEN456def"):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}", timeout=10).read()
                except urllib.error.HTTPError:
                    pass
    finally:
        server.shutdown()
        thread.join(5)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 2 and all("SECRETTOKEN" not in line for line in lines), lines
    assert sum("[redacted]" in line for line in lines) == 2


# Found by a second outside test (after the fixes above) -------------------------------------------


def test_an_account_flooded_from_elsewhere_still_opens_on_its_owners_browser(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="100 per minute", AUTH_ACCOUNT_LIMIT="3 per hour")
    owner = app.test_client()
    assert owner.post("/login", data={"email": "hb@example.com", "password": PASSWORD}).status_code == 302
    owner.post("/logout")
    wrong = {"email": "hb@example.com", "password": "not the password"}
    for n in range(5):
        app.test_client().post("/login", data=wrong, environ_base={"REMOTE_ADDR": f"10.9.0.{n}"})
    stranger = app.test_client().post(
        "/login", data={"email": "hb@example.com", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.9.1.1"}
    )
    assert stranger.status_code == 429  # a new browser waits
    assert owner.post("/login", data={"email": "hb@example.com", "password": PASSWORD}).status_code == 302
    # Successful logins do not spend the account's budget.
    other = make_app(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="100 per minute", AUTH_ACCOUNT_LIMIT="2 per hour")
    ok = [
        other.test_client().post("/login", data={"email": "bj@example.com", "password": PASSWORD}).status_code
        for _ in range(4)
    ]
    assert ok == [302] * 4


def test_a_posting_with_interests_cannot_be_deleted(app, world, accepted):
    institute = app.test_client()
    login(institute, app, world["bj"])
    assert institute.post(f"/achievements/{accepted['ach']}/withdraw").status_code == 303
    refused = institute.post(f"/achievements/{accepted['ach']}/delete")
    assert refused.status_code == 409 and "有对接意向记录" in refused.get_data(as_text=True)
    raw = _token(app, world["bj"])
    assert (
        app.test_client()
        .delete(f"/api/v1/achievements/{accepted['ach']}", headers={"Authorization": f"Bearer {raw}"})
        .status_code
        == 409
    )
    firm = app.test_client()
    login(firm, app, world["hb"])
    assert firm.get(f"/interests/{accepted['interest']}").status_code == 200  # the firm's record stays


def test_a_side_cannot_close_the_other_sides_posting(app, world, accepted):
    raw = _token(app, world["hb"])
    body = {
        "contract_type": "license",
        "amount_wan": 0,
        "signed_on": "2026-11-30",
        "mark_achievement_transferred": True,
    }
    response = app.test_client().post(
        f"/api/v1/interests/{accepted['interest']}/deal", json=body, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 409
    with app.app_context():
        from matchmaker.models import Achievement

        assert db.session.get(Achievement, accepted["ach"]).status == "published"


def test_publishing_needs_the_version_the_admin_reviewed(app, world, make):
    from matchmaker.models import Need

    need = make.need(world["hb_org"], status="pending", title="审核时看到的标题")
    admin = app.test_client()
    login(admin, app, world["admin"])
    queue = admin.get("/admin/review").get_data(as_text=True)
    seen = re.search(r'name="version" value="([^"]+)"', queue).group(1)
    owner = app.test_client()
    login(owner, app, world["hb"])
    with app.app_context():
        posting = db.session.get(Need, need)
        form = {
            "title": "加微信 evil888 领取资料",
            "problem": posting.problem,
            "key_points": posting.key_points,
            "goals": posting.goals,
            "field": posting.field,
            "keywords": "正极材料、循环寿命",
            "min_trl": "5",
            "modes": "license",
            "contact_name": "李需求",
            "contact_phone": "0311-5555 6789",
            "contact_email": "li.need@example.com",
            "save": "1",
        }
    assert owner.post(f"/needs/{need}/edit", data=form).status_code == 303
    refused = admin.post(f"/admin/need/{need}/review", data={"decision": "publish", "version": seen})
    assert refused.status_code == 409 and "请重新查看后再发布" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Need, need).status == "pending"
    raw = _token(app, world["admin"])
    api = app.test_client().post(
        f"/api/v1/admin/needs/{need}/publish?version=2026-01-01T00:00:00Z", headers={"Authorization": f"Bearer {raw}"}
    )
    assert api.status_code == 409
    bad = app.test_client().post(
        f"/api/v1/admin/needs/{need}/publish?version=2026-13-01T00:00:00Z", headers={"Authorization": f"Bearer {raw}"}
    )
    assert bad.status_code == 409  # no posting has that version


def test_unverified_organizations_are_not_published_by_an_import(app, world, make):
    from matchmaker.models import Need, Organization
    from tests.transfer.conftest import need_row, xlsx_bytes

    org = make.org("firm", "hebei", "唐山", name="唐山未认证企业", verified=False)
    with app.app_context():
        code = db.session.get(Organization, org).credit_code
    admin = app.test_client()
    login(admin, app, world["admin"])
    data = xlsx_bytes("need", [need_row("U-1", code)])
    page = admin.post(
        "/admin/transfer/import",
        data={"file": (io.BytesIO(data), "needs.xlsx"), "kind": "need"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "尚未认证机构的信息" in page
    with app.app_context():
        assert db.session.scalar(db.select(Need.status).where(Need.external_id == "U-1")) == "pending"


def test_deactivation_and_suspension_revoke_api_tokens_for_good(app, world):
    raw = _token(app, world["tj"])
    admin = app.test_client()
    login(admin, app, world["admin"])
    admin.post(f"/admin/users/{world['tj']}/deactivate", data={"reason": "离职"})
    admin.post(f"/admin/users/{world['tj']}/activate", data={"reason": "返聘"})
    assert not _works(app, raw)
    raw = _token(app, world["hb"])
    admin.post(f"/admin/organizations/{world['hb_org']}/suspend", data={"reason": "核查"})
    admin.post(f"/admin/organizations/{world['hb_org']}/unsuspend", data={"reason": "已核实"})
    assert not _works(app, raw)


def test_a_workbook_with_millions_of_cells_is_refused_before_parsing(app, world):
    import time

    header = xlsx_bytes("need", [need_row("N-1")])
    source, out = zipfile.ZipFile(io.BytesIO(header)), io.BytesIO()
    cells = "".join(f'<c r="A{n}" t="n"><v>1</v></c>' for n in range(1, 400_001))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                content = text.replace("</sheetData>", f'<row r="9">{cells}</row></sheetData>').encode()
            target.writestr(item, content)
    started = time.monotonic()
    with pytest.raises(Exception) as refused:
        sheets.file_format("big.xlsx", out.getvalue())
    assert "306000 cells" in str(refused.value) and time.monotonic() - started < 5  # (no request: English)


def test_feedback_on_a_draft_is_not_found_like_a_missing_posting(app, world, make):
    draft = make.need(world["hb_org"], status="draft")
    ach = make.achievement(world["bj_org"])
    outsider = app.test_client()
    login(outsider, app, world["tj"])
    codes = [
        outsider.post(
            "/suggestions/feedback", data={"need_id": need, "achievement_id": ach, "verdict": "relevant"}
        ).status_code
        for need in (draft, 99999)
    ]
    assert codes[0] == codes[1] == 404


def test_public_url_is_checked_and_mails_carry_full_links(monkeypatch, tmp_path, app, world, make, outbox):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    for bad in (" ", "evil.example", "https://pool.example.com/app?x=1"):
        with pytest.raises(RuntimeError, match="PUBLIC_URL"):
            create_app("production", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "PUBLIC_URL": bad})
    app.config["PUBLIC_URL"] = "https://pool.example.com"
    need, ach = make.need(world["hb_org"]), make.achievement(world["bj_org"])
    firm = app.test_client()
    login(firm, app, world["hb"])
    firm.post("/interests", data={"need_id": need, "achievement_id": ach, "message": "你好"})
    body = next(m.get_content() for m in outbox() if m["To"] == "bj@example.com")
    assert re.search(r"https://pool\.example\.com/interests/\d+", body)
