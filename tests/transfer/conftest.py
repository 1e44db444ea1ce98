"""Helpers for the import/export tests: rows in the template's shape, written as CSV or XLSX bytes."""

from __future__ import annotations

import csv
import io

import pytest

from matchmaker.extensions import db
from matchmaker.models import Organization
from matchmaker.transfer.columns import COLUMNS


def achievement_row(ext_id: str, credit_code: str = "", **over) -> dict:
    row = dict(
        external_id=ext_id,
        org_credit_code=credit_code,
        title=f"高温合金涂层技术 {ext_id}",
        field="materials",
        keywords="高温合金、涂层",
        modes="license;assignment",
        summary="一种热障涂层制备工艺。",
        description="采用等离子喷涂制备热障涂层，寿命提高一倍。",
        advantages="寿命长，成本低。",
        applications="燃气轮机叶片",
        trl="6",
        ip_type="invention",
        patent_numbers="ZL202310000001.1",
        price_min="50",
        price_max="120",
        contact_name="赵联系",
        contact_phone="010-6666 1234",
        contact_email="zhao.import@example.com",
    )
    row.update(over)
    return row


def need_row(ext_id: str, credit_code: str = "", **over) -> dict:
    row = dict(
        external_id=ext_id,
        org_credit_code=credit_code,
        title=f"轧辊表面耐磨处理 {ext_id}",
        field="steel",
        keywords="轧辊、耐磨",
        modes="development",
        problem="轧辊磨损快，三天需更换。",
        key_points="表面硬化层厚度与结合力。",
        goals="使用寿命提高 50%。",
        min_trl="5",
        budget_min="30",
        budget_max="80",
        deadline="2099-12-31",
        contact_name="钱需求",
        contact_phone="0315-6666 5678",
        contact_email="qian.import@example.com",
    )
    row.update(over)
    return row


def header(kind: str) -> list[str]:
    return [c.header for c in COLUMNS[kind]]


def table(kind: str, rows: list[dict]) -> list[list]:
    names = [c.name for c in COLUMNS[kind]]
    return [header(kind)] + [[row.get(n, "") for n in names] for row in rows]


def csv_bytes(kind: str, rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(table(kind, rows))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(kind: str, rows: list[dict], numbers: bool = True) -> bytes:
    """A workbook as an officer would fill it: numbers as numbers, dates as dates."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for i, values in enumerate(table(kind, rows)):
        if i and numbers:
            values = [_typed(v) for v in values]
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _typed(value):
    import datetime

    if isinstance(value, str) and value.isdigit() and len(value) < 6:
        return int(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit():
        return datetime.datetime.fromisoformat(value)
    return value


FILES = {"csv": csv_bytes, "xlsx": xlsx_bytes}


@pytest.fixture
def codes(app, world) -> dict:
    """The credit codes of the world's organizations."""
    with app.app_context():
        return {
            key: db.session.get(Organization, world[key]).credit_code
            for key in ("bj_org", "tj_org", "hb_org", "admin_org")
        }
