"""The admin page: upload and report, template and list downloads; admins only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, AuditLog
from tests.conftest import login
from tests.transfer.conftest import achievement_row, csv_bytes, need_row, xlsx_bytes

SAMPLE = {"kind": "need", "fmt": "xlsx", "what": "deals"}


def transfer_routes(app) -> list[tuple[str, str]]:
    """(method, url) for every route of the blueprint, so a new route cannot escape the guard test."""
    out = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("transfer."):
                url = url_for(rule.endpoint, **{arg: SAMPLE[arg] for arg in rule.arguments})
                out += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return out


def test_every_route_is_for_admins_only(app, client, world):
    routes = transfer_routes(app)
    assert {url for _m, url in routes} >= {
        "/admin/transfer/",
        "/admin/transfer/import",
        "/admin/transfer/template/need.xlsx",
        "/admin/transfer/export/deals.xlsx",
    }
    for method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"], url
    for member in ("bj", "hb"):
        login(client, app, world[member])
        for method, url in routes:
            response = client.open(
                url, method=method, data={"file": (io.BytesIO(b"x"), "a.csv")} if method == "POST" else None
            )
            assert response.status_code == 403, (member, url)
            assert "序号" not in response.get_data(as_text=True)
    login(client, app, world["admin"])
    for method, url in routes:
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_admin_page_offers_the_form_templates_and_exports(app, client, world):
    login(client, app, world["admin"])
    page = client.get("/admin/transfer/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page and 'name="valid_only"' in page
    for url in (
        "/admin/transfer/template/achievement.xlsx",
        "/admin/transfer/template/need.csv",
        "/admin/transfer/export/achievements.csv",
        "/admin/transfer/export/deals.xlsx",
    ):
        assert f'href="{url}"' in page
    assert "external_id" in page and "新材料" in page and "发明专利" in page  # the column guide


def test_template_downloads(app, client, world):
    login(client, app, world["admin"])
    response = client.get("/admin/transfer/template/achievement.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    assert text.startswith("编号 external_id,发布单位统一社会信用代码 org_credit_code,标题 title")
    xlsx = client.get("/admin/transfer/template/need.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.get_data()))
    assert [c.value for c in book.worksheets[0][1]][5] == "合作方式 modes" and book.worksheets[1].title == "填写说明"
    book.close()


def test_upload_imports_publishes_and_reports(app, client, world, make):
    with app.app_context():
        from matchmaker.models import Organization

        code = db.session.get(Organization, world["bj_org"]).credit_code
    login(client, app, world["admin"])
    data = {
        "file": (
            io.BytesIO(xlsx_bytes("achievement", [achievement_row("W-1", code), achievement_row("W-2", code)])),
            "成果.xlsx",
        )
    }
    response = client.post("/admin/transfer/import", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "成果.xlsx" in page
    with app.app_context():
        assert set(db.session.scalars(select(Achievement.status))) == {"published"}
        assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "import")) == 1
    # The same file again: nothing new. A published posting shows in the public list.
    client.post(
        "/admin/transfer/import",
        data={
            "file": (
                io.BytesIO(xlsx_bytes("achievement", [achievement_row("W-1", code), achievement_row("W-2", code)])),
                "成果.xlsx",
            )
        },
    )
    with app.app_context():
        assert db.session.scalar(select(func.count(Achievement.id))) == 2
    assert "高温合金涂层技术 W-1" in client.get("/achievements/").get_data(as_text=True)


def test_upload_with_a_bad_row_shows_the_report_and_imports_nothing(app, client, world):
    with app.app_context():
        from matchmaker.models import Organization

        code = db.session.get(Organization, world["hb_org"]).credit_code
    login(client, app, world["admin"])
    rows = [need_row("N-1", code), need_row("N-2", code, field="火箭")]
    response = client.post("/admin/transfer/import", data={"file": (io.BytesIO(csv_bytes("need", rows)), "needs.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td>3</td><td>领域 field</td>" in page and "火箭" in page
    valid_only = client.post(
        "/admin/transfer/import", data={"file": (io.BytesIO(csv_bytes("need", rows)), "needs.csv"), "valid_only": "y"}
    )
    assert valid_only.status_code == 200
    with app.app_context():
        from matchmaker.models import Need

        assert list(db.session.scalars(select(Need.external_id))) == ["N-1"]


@pytest.mark.parametrize(
    "name, content, marker",
    [
        ("fake.xlsx", "编号 external_id\nX\n".encode(), "flash-error"),  # the extension says XLSX, the content is text
        ("notes.txt", b"external_id\nX\n", 'class="error"'),  # refused by the form already
    ],
)
def test_upload_refuses_what_is_not_csv_or_xlsx(app, client, world, name, content, marker):
    login(client, app, world["admin"])
    response = client.post("/admin/transfer/import", data={"file": (io.BytesIO(content), name)})
    assert response.status_code == 400 and marker in response.get_data(as_text=True)


def test_upload_size_is_limited(app, client, world):
    login(client, app, world["admin"])
    big = b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    # A hand-made multipart body: the test client would spool a large one to a temporary file.
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + big + b"\r\n--xyz--\r\n"
    )
    response = client.post("/admin/transfer/import", data=body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413


def test_upload_needs_a_csrf_token_when_csrf_is_on(make_app, world):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login(client, app, world["admin"])
    assert 'name="csrf_token"' in client.get("/admin/transfer/").get_data(as_text=True)
    with app.app_context():
        from matchmaker.models import Organization

        code = db.session.get(Organization, world["bj_org"]).credit_code
    data = {"file": (io.BytesIO(csv_bytes("achievement", [achievement_row("C-1", code)])), "a.csv")}
    assert client.post("/admin/transfer/import", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(Achievement.id))) == 0
        assert db.session.scalar(select(func.count(AuditLog.id))) == 0


def test_export_downloads_are_not_cached(app, client, world, make):
    make.achievement(world["bj_org"], title="@SUM(1+1)")
    login(client, app, world["admin"])
    response = client.get("/admin/transfer/export/achievements.csv")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data().decode("utf-8-sig")
    assert "'@SUM(1+1)" in text and "wang.contact@example.com" not in text and "http://localhost/achievements/" in text
