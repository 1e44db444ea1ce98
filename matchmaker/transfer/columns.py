"""The import template's columns, and the check of one row by the same forms the web pages use.

A header cell is "中文名 machine_name" (either half alone is accepted too). Enumerations take the
code or its Chinese or English label from ``matchmaker.domain``; a row is then fed to
``AchievementForm`` / ``NeedForm`` to parse, then checked by the schema the pages and the API use
(``schemas.postings``), so an import can never accept what they refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from matchmaker import domain
from matchmaker.forms import CONTROL_CHARS
from matchmaker.postings.forms import FORMS
from matchmaker.schemas import InvalidInput
from matchmaker.schemas import postings as inputs
from matchmaker.services.postings import FIELDS

MULTI_SPLIT = re.compile(r"[、;；,，|\n]+")
TRL_TEXT = re.compile(r"^(?:TRL)?\s*([1-9])(?:\.0+)?(?:\s*[·:：].*)?$", re.IGNORECASE)
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
NEGOTIABLE = {"面议", "negotiable"}
EXTERNAL_ID_MAX = 64
VOCABS = {"field": domain.FIELDS, "mode": domain.TRANSFER_MODES, "ip": domain.IP_TYPES, "trl": domain.TRL}


@dataclass(frozen=True)
class Column:
    name: str  # machine name: the form field and model attribute
    zh: str
    required: bool
    note: str  # how to fill it in, for the template's notes row and the admin page
    vocab: str | None = None  # "field" | "mode" | "ip" | "trl"
    multi: bool = False

    @property
    def header(self) -> str:
        return f"{self.zh} {self.name}"


def _money(name: str, zh: str) -> Column:
    return Column(name, zh, False, "数字，单位万元，0–1,000,000；上下限都留空（或填“面议”）表示面议；下限不得高于上限")


_HEAD = (
    Column(
        "external_id", "编号", True, "本行的唯一编号，1–64 个字符（不以 # 开头）；再次导入同一编号会更新该条而不会重复"
    ),
    Column(
        "org_credit_code",
        "发布单位统一社会信用代码",
        False,
        "18 位统一社会信用代码，单位须已在平台注册；导入时已指定发布单位的可留空",
    ),
    Column("title", "标题", True, "不超过 200 字"),
    Column("field", "领域", True, "填一个代码或中文名称（见“填写说明”）", vocab="field"),
    Column("keywords", "关键词", True, "1–5 个，每个不超过 20 字，用 、 或 ; 分隔"),
)
_CONTACT = (
    Column("contact_name", "联系人", True, "不超过 50 字；仅管理员和已接受对接的一方可见，导出时不含"),
    Column("contact_phone", "联系电话", True, "5–20 位数字，可用空格、+ - 和括号分隔，不超过 30 个字符；导出时不含"),
    Column("contact_email", "联系邮箱", True, "电子邮箱地址；导出时不含"),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "achievement": _HEAD
    + (
        Column("modes", "转化方式", True, "一个或多个代码或中文名称，用 、 或 ; 分隔", vocab="mode", multi=True),
        Column("summary", "简介", True, "一两句话，不超过 500 字"),
        Column("description", "详细介绍", True, "不超过 5000 字"),
        Column("advantages", "技术优势与创新点", True, "不超过 5000 字"),
        Column("applications", "应用场景", False, "不超过 5000 字"),
        Column("trl", "技术成熟度", True, "1–9 的整数（GB/T 22900），也可填阶段名称", vocab="trl"),
        Column("ip_type", "知识产权类型", True, "填一个代码或中文名称；没有填“无”", vocab="ip"),
        Column("patent_numbers", "专利号或登记号", False, "不超过 500 字"),
        _money("price_min", "价格下限（万元）"),
        _money("price_max", "价格上限（万元）"),
    )
    + _CONTACT,
    "need": _HEAD
    + (
        Column("modes", "合作方式", True, "一个或多个代码或中文名称，用 、 或 ; 分隔", vocab="mode", multi=True),
        Column("problem", "主要问题", True, "不超过 5000 字"),
        Column("key_points", "技术关键", True, "不超过 5000 字"),
        Column("goals", "预期目标", True, "不超过 5000 字"),
        Column("min_trl", "最低技术成熟度", True, "1–9 的整数（GB/T 22900），也可填阶段名称", vocab="trl"),
        _money("budget_min", "预算下限（万元）"),
        _money("budget_max", "预算上限（万元）"),
        Column("deadline", "截止日期", False, "YYYY-MM-DD，不得早于导入当天；可留空"),
    )
    + _CONTACT,
}
BY_NAME = {kind: {c.name: c for c in cols} for kind, cols in COLUMNS.items()}
# Columns that only one kind has: they tell the kind of a file whose header does not say it.
ONLY = {
    kind: set(BY_NAME[kind]) - set(BY_NAME[other]) for kind, other in (("achievement", "need"), ("need", "achievement"))
}


def allowed_values(vocab: str) -> list[tuple[str, str]]:
    """(code, Chinese label) pairs for the template's notes and the admin page."""
    return [(str(code), zh) for code, (zh, _en) in VOCABS[vocab].items()]


def _index(table) -> dict[str, object]:
    out = {}
    for code, (zh, en) in table.items():
        out[str(code).lower()] = code
        out[zh] = code
        out[en.lower()] = code
    return out


_LOOKUP = {name: _index(table) for name, table in VOCABS.items()}


def lookup(vocab: str, raw: str):
    """The code for ``raw`` (a code or a zh/en label), or None."""
    key = raw.strip()
    if vocab == "trl" and (match := TRL_TEXT.match(key)):
        return int(match.group(1))
    return _LOOKUP[vocab].get(key, _LOOKUP[vocab].get(key.lower()))


# -- header ------------------------------------------------------------------------------------


@dataclass
class Header:
    kind: str | None
    names: list[str | None]  # the column name of each cell position (None: an empty cell)
    errors: list[tuple[str, str]]  # (header cell, message)


_KNOWN = {
    **{c.name: c.name for cols in COLUMNS.values() for c in cols},
    **{c.zh: c.name for cols in COLUMNS.values() for c in cols},
}


def _name_of(cell: str) -> str | None:
    """ "标题 title", "title" or "标题" → "title"."""
    parts = cell.split()
    if parts and parts[-1].lower() in _KNOWN:
        return _KNOWN[parts[-1].lower()]
    return _KNOWN.get("".join(parts))


def parse_header(cells: list[str], kind: str | None) -> Header:
    """Map header cells to columns; say what is unknown, repeated or missing, and which kind it is."""
    names: list[str | None] = []
    errors: list[tuple[str, str]] = []
    for cell in cells:
        cell = cell.strip()
        if not cell:
            names.append(None)
            continue
        name = _name_of(cell)
        if name is None:
            errors.append((cell, _("Unknown column.")))
        elif name in names:
            errors.append((cell, _("This column appears twice.")))
            name = None
        names.append(name)
    present = {n for n in names if n}
    detected = [k for k, only in ONLY.items() if present & only]
    if kind is None:
        if len(detected) != 1:
            errors.append(
                (
                    "",
                    _(
                        "Cannot tell whether the file holds achievements or needs: use the template's header or choose the kind."
                    ),
                )
            )
            return Header(None, names, errors)
        kind = detected[0]
    elif detected and detected != [kind]:
        errors.append(("", _("The columns do not match the chosen kind of posting.")))
    for name in present - set(BY_NAME[kind]):
        errors.append(
            (
                BY_NAME["need" if kind == "achievement" else "achievement"][name].header,
                _("This column belongs to the other kind of posting."),
            )
        )
    for column in COLUMNS[kind]:
        if column.required and column.name not in present:
            errors.append((column.header, _("A required column is missing.")))
    return Header(kind, names, errors)


# -- one row -----------------------------------------------------------------------------------


def _date_text(raw: str) -> str:
    match = DATE_TEXT.match(raw)
    return f"{int(match[1]):04d}-{int(match[2]):02d}-{int(match[3]):02d}" if match else raw


def _money_text(raw: str) -> str:
    if raw.lower() in NEGOTIABLE:
        return ""
    return raw.removesuffix("万元").removesuffix("万").replace(",", "").strip()


def check_row(kind: str, values: dict[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """Validate one row's cells (column name → text); return the posting's data and (column, error)s."""
    errors: list[tuple[str, str]] = []
    formdata = MultiDict()
    for column in COLUMNS[kind]:
        raw = values.get(column.name, "").strip()
        if column.name in ("external_id", "org_credit_code") or not raw:
            continue
        if column.vocab:
            parts = [p.strip() for p in (MULTI_SPLIT.split(raw) if column.multi else [raw]) if p.strip()]
            for part in parts:
                code = lookup(column.vocab, part)
                if code is None:
                    errors.append(
                        (
                            column.name,
                            _("Unknown value “%(value)s”: use a code or a Chinese name from the template.", value=part),
                        )
                    )
                else:
                    formdata.add(column.name, str(code))
        elif column.name == "deadline":
            formdata.add(column.name, _date_text(raw))
        elif column.name.startswith(("price_", "budget_")):
            formdata.add(column.name, _money_text(raw))
        else:
            formdata.add(column.name, raw)
    form = FORMS[kind](formdata=formdata, meta={"csrf": False})
    form.validate()  # parses the cells (numbers, dates, the keywords line); the schema judges them
    flagged = {name for name, _msg in errors}
    parse_errors = {name: messages for name, messages in form.errors.items() if name in BY_NAME[kind]}
    for name, messages in parse_errors.items():
        if name not in flagged:
            errors.extend((name, str(message)) for message in messages)
    data = form.to_data()
    try:
        data = inputs.load(kind, data, complete=True)
    except InvalidInput as error:
        for key, message in error.fields.items():
            name = key.split(".")[0]
            if name in BY_NAME[kind] and name not in flagged and name not in parse_errors:
                errors.append((name, message))
    errors.extend(_check_external_id(values.get("external_id", "").strip()))
    return {name: data.get(name) for name in FIELDS[kind]}, errors


def _check_external_id(value: str) -> list[tuple[str, str]]:
    if not value:
        return [("external_id", _("This field is required."))]
    if len(value) > EXTERNAL_ID_MAX or CONTROL_CHARS.search(value):
        return [("external_id", _("Use 1 to 64 characters without control characters."))]
    return []
