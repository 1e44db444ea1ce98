"""Importing postings: validation by the web forms' rules, the report, all-or-nothing, idempotent upsert."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from matchmaker.domain import make_credit_code
from matchmaker.extensions import db
from matchmaker.models import Achievement, AuditLog, Need, User
from matchmaker.services import transfer
from matchmaker.services.errors import DomainError, Forbidden
from tests.transfer.conftest import FILES, achievement_row, csv_bytes, need_row, xlsx_bytes


def run(app, actor_id, name, data, **kw):
    with app.test_request_context():
        return transfer.import_file(db.session.get(User, actor_id), name, data, **kw)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def audits(app) -> list[AuditLog]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id)))
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing_and_a_changed_row_updates(app, world, codes, fmt):
    build = FILES[fmt]
    rows = [
        achievement_row("A-1", codes["bj_org"]),
        achievement_row("A-2", codes["tj_org"], price_min="", price_max=""),
    ]
    first = run(app, world["admin"], f"batch.{fmt}", build("achievement", rows), publish=True)
    assert first.committed and not first.errors, first.errors
    assert (first.rows, first.created, first.updated, first.unchanged) == (2, 2, 0, 0)
    with app.app_context():
        stamps = {p.external_id: p.updated_at for p in db.session.scalars(select(Achievement))}
    again = run(app, world["admin"], f"batch.{fmt}", build("achievement", rows), publish=True)
    assert again.committed and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count(app, Achievement) == 2
    with app.app_context():
        assert {p.external_id: p.updated_at for p in db.session.scalars(select(Achievement))} == stamps
    rows[1]["title"] = "高温合金涂层技术（第二版）"
    rows[1]["modes"] = "作价投资"
    third = run(app, world["admin"], f"batch.{fmt}", build("achievement", rows), publish=True)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert count(app, Achievement) == 2
    with app.app_context():
        posting = db.session.scalar(select(Achievement).where(Achievement.external_id == "A-2"))
        assert posting.title == "高温合金涂层技术（第二版）" and posting.modes == ["equity"]
        assert posting.price_min is None and posting.status == "published"
        first_one = db.session.scalar(select(Achievement).where(Achievement.external_id == "A-1"))
        assert first_one.keywords == ["高温合金", "涂层"] and first_one.modes == ["license", "assignment"]
        assert first_one.trl == 6 and first_one.price_max == Decimal("120") and first_one.ip_type == "invention"
        assert first_one.organization_id == world["bj_org"] and first_one.created_by_id == world["admin"]
    assert [a.after["created"] for a in audits(app)] == [2, 0, 0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_needs_import_with_dates_and_numbers(app, world, codes, fmt):
    report = run(app, world["admin"], f"needs.{fmt}", FILES[fmt]("need", [need_row("N-1", codes["hb_org"])]))
    assert report.committed and report.kind == "need" and report.status == "pending", report.errors
    with app.app_context():
        need = db.session.scalar(select(Need))
        assert need.deadline.isoformat() == "2099-12-31" and need.min_trl == 5 and need.budget_max == Decimal("80")
        assert need.status == "pending" and need.submitted_at is not None and need.published_at is None


def test_a_file_with_one_bad_row_commits_nothing_and_the_report_says_where(app, world, codes):
    rows = [
        achievement_row("A-1", codes["bj_org"]),
        achievement_row("A-2", codes["bj_org"], price_min="200", price_max="100", keywords="一、二、三、四、五、六"),
        achievement_row("A-3", codes["bj_org"], title=""),
    ]
    report = run(app, world["admin"], "bad.csv", csv_bytes("achievement", rows), publish=True)
    assert not report.committed and report.invalid == 2 and report.rows == 3
    found = {(e.row, e.column, e.message) for e in report.errors}
    assert (3, "价格上限（万元） price_max", "上限不得低于下限。") in found
    assert (3, "关键词 keywords", "关键词最多 5 个。") in found
    assert any(e.row == 4 and e.column == "标题 title" for e in report.errors)
    assert count(app, Achievement) == 0 and audits(app) == []


def test_valid_only_imports_exactly_the_good_rows(app, world, codes):
    rows = [
        achievement_row("A-1", codes["bj_org"]),
        achievement_row("A-2", codes["bj_org"], trl="12"),
        achievement_row("A-3", codes["tj_org"]),
    ]
    report = run(app, world["admin"], "mixed.csv", csv_bytes("achievement", rows), valid_only=True, publish=True)
    assert report.committed and report.created == 2 and report.invalid == 1
    assert [(e.row, e.column) for e in report.errors] == [(3, "技术成熟度 trl")]
    with app.app_context():
        assert set(db.session.scalars(select(Achievement.external_id))) == {"A-1", "A-3"}
    [entry] = audits(app)
    assert entry.after["created"] == 2 and entry.after["invalid"] == 1 and entry.after["valid_only"] is True


def test_the_audit_row_names_the_admin_the_file_and_the_counts(app, world, codes):
    run(
        app,
        world["admin"],
        "/tmp/some/dir/成果批次.csv",
        csv_bytes("achievement", [achievement_row("A-1", codes["bj_org"])]),
    )
    [entry] = audits(app)
    assert entry.actor_id == world["admin"] and entry.reason == "成果批次.csv" and entry.target_type == "achievement"
    assert entry.after == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "invalid": 0,
        "held_for_review": 0,
        "status": "pending",
        "valid_only": False,
    }


def test_wrong_organization_kind_unknown_and_malformed_codes(app, world, codes):
    unregistered = make_credit_code(987654)
    firm_achievement = run(
        app,
        world["admin"],
        "a.csv",
        csv_bytes(
            "achievement",
            [
                achievement_row("A-1", codes["hb_org"]),
                achievement_row("A-2", unregistered),
                achievement_row("A-3", "91110000MA00000000"),
                achievement_row("A-4", ""),
            ],
        ),
    )
    messages = {e.row: e.message for e in firm_achievement.errors}
    assert set(messages) == {2, 3, 4, 5}
    assert "冀东新材料有限公司" in messages[2] and unregistered in messages[3]
    assert messages[4] != messages[5]
    assert all(e.column == "发布单位统一社会信用代码 org_credit_code" for e in firm_achievement.errors)
    university_need = run(app, world["admin"], "n.csv", csv_bytes("need", [need_row("N-1", codes["bj_org"])]))
    assert not university_need.committed and "京华理工大学" in university_need.errors[0].message
    assert count(app, Achievement) == 0 and count(app, Need) == 0


def test_unknown_codes_are_reported_with_the_value(app, world, codes):
    report = run(
        app,
        world["admin"],
        "a.csv",
        csv_bytes(
            "achievement",
            [achievement_row("A-1", codes["bj_org"], field="nanotech", modes="license、bogus", ip_type="秘方")],
        ),
    )
    columns = {e.column: e.message for e in report.errors}
    assert (
        "nanotech" in columns["领域 field"]
        and "bogus" in columns["转化方式 modes"]
        and "秘方" in columns["知识产权类型 ip_type"]
    )
    assert len(report.errors) == 3  # no second "required" message for the same cells


def test_chinese_and_english_labels_are_accepted_as_well_as_codes(app, world, codes):
    rows = [
        achievement_row(
            "A-1", codes["bj_org"], field="新材料", modes="许可；技术开发", ip_type="发明专利", trl="中试/工程样机"
        ),
        achievement_row(
            "A-2",
            codes["bj_org"],
            field="New materials",
            modes="Licence, joint",
            ip_type="无",
            trl="TRL 7",
            price_min="面议",
            price_max="",
        ),
    ]
    report = run(app, world["admin"], "labels.csv", csv_bytes("achievement", rows))
    assert report.committed, report.errors
    with app.app_context():
        one, two = db.session.scalars(select(Achievement).order_by(Achievement.external_id))
        assert (one.field, one.modes, one.ip_type, one.trl) == ("materials", ["license", "development"], "invention", 6)
        assert (two.field, two.modes, two.ip_type, two.trl, two.price_min) == (
            "materials",
            ["license", "joint"],
            "none",
            7,
            None,
        )


def test_row_rules_of_the_form_and_of_the_file(app, world, codes):
    rows = [
        need_row("N-1", codes["hb_org"], deadline="2001-01-01"),
        need_row("N-1", codes["hb_org"]),
        need_row("", codes["hb_org"]),
        need_row("N-4", codes["hb_org"], goals="坏\x07字符"),
        need_row("N-5", codes["hb_org"], contact_email="nope", budget_min="-5"),
    ]
    report = run(app, world["admin"], "needs.csv", csv_bytes("need", rows))
    by_row = {}
    for e in report.errors:
        by_row.setdefault(e.row, set()).add(e.column)
    assert by_row == {
        2: {"截止日期 deadline"},
        3: {"编号 external_id"},
        4: {"编号 external_id"},
        5: {"预期目标 goals"},
        6: {"联系邮箱 contact_email", "预算下限（万元） budget_min"},
    }
    assert "截止日期不得早于今天。" in {e.message for e in report.errors}
    assert count(app, Need) == 0


def test_an_external_id_of_another_organization_is_refused(app, world, codes, make):
    make.achievement(world["tj_org"], external_id="A-1")
    report = run(app, world["admin"], "a.csv", csv_bytes("achievement", [achievement_row("A-1", codes["bj_org"])]))
    assert not report.committed and "津沽材料研究院" in report.errors[0].message


def test_header_kind_detection_and_mismatch(app, world, codes):
    data = csv_bytes("need", [need_row("N-1", codes["hb_org"])])
    wrong = run(app, world["admin"], "n.csv", data, kind="achievement")
    assert not wrong.committed and wrong.errors and all(e.row == 1 for e in wrong.errors)
    unknown = run(app, world["admin"], "x.csv", "编号 external_id,颜色 colour\nX-1,red\n".encode())
    assert {e.column for e in unknown.errors} >= {"颜色 colour"}
    undecided = run(app, world["admin"], "m.csv", b"external_id,title\nX,y\n")
    assert undecided.kind is None and [(e.row, e.column) for e in undecided.errors] == [(1, "")]
    assert count(app, Need) == 0


def test_the_template_itself_imports_as_an_empty_file(app, world):
    for kind in ("achievement", "need"):
        for fmt in ("csv", "xlsx"):
            with app.app_context():
                data = transfer.template_file(kind, fmt)
            report = run(app, world["admin"], f"t.{fmt}", data, kind=kind)
            assert [e.message for e in report.errors] and report.rows == 0 and not report.committed


def test_dry_run_counts_and_changes_nothing(app, world, codes):
    report = run(
        app, world["admin"], "a.csv", csv_bytes("achievement", [achievement_row("A-1", codes["bj_org"])]), dry_run=True
    )
    assert report.created == 1 and not report.committed and not report.errors
    assert count(app, Achievement) == 0 and audits(app) == []


def test_default_organization_and_status_transitions(app, world, codes):
    rows = [achievement_row("A-1")]
    assert run(app, world["admin"], "a.csv", csv_bytes("achievement", rows), org_credit_code=codes["tj_org"]).committed
    with app.app_context():
        posting = db.session.scalar(select(Achievement))
        assert posting.organization_id == world["tj_org"] and posting.status == "pending"
    published = run(
        app, world["admin"], "a.csv", csv_bytes("achievement", rows), org_credit_code=codes["tj_org"], publish=True
    )
    assert published.updated == 1  # same content, but now published
    rows[0]["summary"] = "改进后的热障涂层工艺。"
    run(app, world["admin"], "a.csv", csv_bytes("achievement", rows), org_credit_code=codes["tj_org"])
    with app.app_context():
        posting = db.session.scalar(select(Achievement))
        assert posting.status == "pending" and posting.summary == "改进后的热障涂层工艺。" and posting.published_at
    with pytest.raises(DomainError):
        run(app, world["admin"], "a.csv", csv_bytes("achievement", rows), org_credit_code="91110000MA00000000")


def test_only_admins_import(app, world, codes):
    with pytest.raises(Forbidden):
        run(app, world["bj"], "a.csv", csv_bytes("achievement", [achievement_row("A-1", codes["bj_org"])]))


@pytest.mark.parametrize(
    "name, data",
    [
        ("a.xlsx", "编号 external_id\nA\n".encode()),
        ("a.csv", b"PK\x03\x04rest-of-a-zip"),
        ("a.xls", b"\xd0\xcf\x11\xe0legacy"),
        ("a.txt", b"external_id\n"),
        ("a.csv", b"title\x00\x00"),
        ("a.xlsx", b"PK\x03\x04not really a zip"),
        ("a.csv", b""),
    ],
)
def test_the_content_must_match_csv_or_xlsx(app, world, name, data):
    with pytest.raises(DomainError):
        run(app, world["admin"], name, data)


def test_a_gb18030_csv_from_chinese_excel_is_read(app, world, codes):
    data = csv_bytes("achievement", [achievement_row("A-1", codes["bj_org"])], encoding="gb18030")
    report = run(app, world["admin"], "excel.csv", data)
    assert report.committed, report.errors
    with app.app_context():
        assert db.session.scalar(select(Achievement.title)) == "高温合金涂层技术 A-1"


def test_cli_import(app, runner, world, codes, tmp_path):
    path = tmp_path / "needs.xlsx"
    path.write_bytes(xlsx_bytes("need", [need_row("N-1", codes["hb_org"])]))
    refused = runner.invoke(args=["pool", "import", str(path), "--actor-email", "hb@example.com"])
    assert refused.exit_code != 0 and "administrator" in refused.output
    dry = runner.invoke(args=["pool", "import", str(path), "--actor-email", "admin@example.com", "--dry-run"])
    assert dry.exit_code == 0 and count(app, Need) == 0
    done = runner.invoke(args=["pool", "import", str(path), "--actor-email", "ADMIN@example.com", "--publish"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert db.session.scalar(select(Need.status)) == "published"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("need", [need_row("N-2", codes["bj_org"]), need_row("N-3", codes["hb_org"])]))
    failed = runner.invoke(args=["pool", "import", str(bad), "--actor-email", "admin@example.com"])
    assert failed.exit_code == 1 and "京华理工大学" in failed.output and count(app, Need) == 1
    partial = runner.invoke(
        args=["pool", "import", str(bad), "--actor-email", "admin@example.com", "--valid-only", "--kind", "need"]
    )
    assert partial.exit_code == 0 and count(app, Need) == 2
    missing = runner.invoke(args=["pool", "import", str(tmp_path / "nope.csv"), "--actor-email", "admin@example.com"])
    assert missing.exit_code != 0


def test_an_admin_does_not_publish_the_own_organizations_postings(app, world, codes):
    rows = [achievement_row("A-1", codes["admin_org"]), achievement_row("A-2", codes["bj_org"])]
    report = run(app, world["admin"], "a.csv", csv_bytes("achievement", rows), publish=True)
    assert report.committed and report.held_for_review == 1
    with app.app_context():
        assert dict(db.session.execute(select(Achievement.external_id, Achievement.status)).all()) == {
            "A-1": "pending",
            "A-2": "published",
        }
    again = run(app, world["admin"], "a.csv", csv_bytes("achievement", rows), publish=True)
    assert (again.unchanged, again.updated, again.held_for_review) == (2, 0, 0)
    assert audits(app)[0].after["held_for_review"] == 1
