"""The exported lists, shaped like a regional supply/demand list (成果清单, 需求清单, 对接, 成交).

Labels are Chinese whatever the reader's language: these are documents for officers and other
platforms. Contact names, phones, e-mails and conversation texts are never read here, so an export
cannot leak them. The posting links are paths (``services.links``), prefixed with ``base_url``.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker import domain
from matchmaker.extensions import db
from matchmaker.models import Achievement, Deal, Interest, Need, Organization
from matchmaker.models.posting import PUBLIC_STATUS
from matchmaker.services.links import posting_path
from matchmaker.transfer import columns

WHAT = ("achievements", "needs", "interests", "deals")
TITLES = {"achievements": "成果清单", "needs": "需求清单", "interests": "对接意向清单", "deals": "成交清单"}
HEADERS = {
    "achievements": [
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
    ],
    "needs": [
        "序号",
        "名称",
        "单位",
        "所在地区",
        "领域",
        "最低成熟度",
        "合作方式",
        "预算(万元)",
        "截止日期",
        "发布日期",
        "链接",
    ],
    "interests": ["序号", "需求", "成果", "需求方", "供给方", "发起方", "状态", "日期"],
    "deals": [
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
    ],
}
WIDTHS = {2: 40, 3: 28, 10: 50}


def _zh(table, code) -> str:
    return domain.label(table, code, "zh")


def _where(org: Organization) -> str:
    return f"{_zh(domain.REGIONS, org.region)}·{org.city}" if org.city else _zh(domain.REGIONS, org.region)


def _amount(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "面议"
    fmt = lambda v: f"{v.normalize():f}"  # noqa: E731
    if low is not None and high is not None:
        return fmt(low) if low == high else f"{fmt(low)}–{fmt(high)}"
    return f"≥{fmt(low)}" if low is not None else f"≤{fmt(high)}"


def _modes(posting) -> str:
    return "、".join(_zh(domain.TRANSFER_MODES, m) for m in posting.modes)


def _date(value):
    return value.date() if value is not None and hasattr(value, "date") else value


def _link(base_url: str, posting) -> str:
    return base_url.rstrip("/") + posting_path(posting)


def rows(what: str, base_url: str = "") -> list[list]:
    """The list's rows, in order, numbered from 1 (序号)."""
    if what == "achievements":
        postings = db.session.scalars(
            select(Achievement)
            .where(Achievement.status == PUBLIC_STATUS)
            .order_by(Achievement.published_at, Achievement.id)
        )
        return [
            [
                n,
                p.title,
                p.organization.name,
                _where(p.organization),
                _zh(domain.FIELDS, p.field),
                domain.trl_label(p.trl, "zh"),
                _modes(p),
                _amount(p.price_min, p.price_max),
                _date(p.published_at),
                _link(base_url, p),
            ]
            for n, p in enumerate(postings, 1)
        ]
    if what == "needs":
        postings = db.session.scalars(
            select(Need).where(Need.status == PUBLIC_STATUS).order_by(Need.published_at, Need.id)
        )
        return [
            [
                n,
                p.title,
                p.organization.name,
                _where(p.organization),
                _zh(domain.FIELDS, p.field),
                domain.trl_label(p.min_trl, "zh"),
                _modes(p),
                _amount(p.budget_min, p.budget_max),
                p.deadline,
                _date(p.published_at),
                _link(base_url, p),
            ]
            for n, p in enumerate(postings, 1)
        ]
    if what == "interests":
        interests = db.session.scalars(
            select(Interest)
            .options(
                selectinload(Interest.need), selectinload(Interest.achievement), selectinload(Interest.initiator_org)
            )
            .order_by(Interest.created_at, Interest.id)
        )
        return [
            [
                n,
                i.need.title,
                i.achievement.title,
                i.need.organization.name,
                i.achievement.organization.name,
                i.initiator_org.name,
                _zh(domain.INTEREST_STATUSES, i.status),
                _date(i.created_at),
            ]
            for n, i in enumerate(interests, 1)
        ]
    if what == "deals":
        deals = db.session.scalars(
            select(Deal)
            .options(
                selectinload(Deal.interest).selectinload(Interest.need),
                selectinload(Deal.interest).selectinload(Interest.achievement),
            )
            .order_by(Deal.signed_on, Deal.id)
        )
        out = []
        for n, d in enumerate(deals, 1):
            if d.interest is None:  # an awarded challenge (揭榜挂帅): the sponsor's problem, the winning team
                winner = d.challenge.awarded_proposal
                demand, supply = d.challenge.lead_org, winner.lead_org
                need_title, achievement_title = f"揭榜挂帅：{d.challenge.title}", f"揭榜方案（{supply.name}）"
            else:
                need, achievement = d.interest.need, d.interest.achievement
                demand, supply = need.organization, achievement.organization
                need_title, achievement_title = need.title, achievement.title
            out.append(
                [
                    n,
                    _zh(domain.CONTRACT_TYPES, d.contract_type),
                    d.amount_wan,
                    d.signed_on,
                    d.registration_no,
                    need_title,
                    achievement_title,
                    demand.name,
                    _where(demand),
                    supply.name,
                    _where(supply),
                    f"{_zh(domain.REGIONS, supply.region)}→{_zh(domain.REGIONS, demand.region)}",
                ]
            )
        return out
    raise ValueError(what)


# -- the import template -----------------------------------------------------------------------

SKIP_NOTE = "# 以 # 开头的行为说明，导入时跳过。"


def _note(column: columns.Column) -> str:
    text = ("必填。" if column.required else "选填。") + column.note
    if column.vocab:
        text += "。可填：" + "；".join(f"{code} {zh}" for code, zh in columns.allowed_values(column.vocab))
    return text


def template_notes(kind: str) -> list[str]:
    notes = [_note(c) for c in columns.COLUMNS[kind]]
    notes[0] = SKIP_NOTE + notes[0]
    return notes


def template_guide(kind: str) -> list[list]:
    """The 填写说明 sheet: one row per column, then the allowed values of each enumeration."""
    out: list[list] = [[c.zh, c.name, "是" if c.required else "否", c.note] for c in columns.COLUMNS[kind]]
    out.append(["", "", "", ""])
    out.append(["多个值用 、 或 ; 分隔；金额单位为万元；日期写作 2026-12-31。", "", "", ""])
    for column in columns.COLUMNS[kind]:
        if column.vocab:
            out.append(["", "", "", ""])
            out.append([f"可填值：{column.zh}", column.name, "", "代码或中文名称均可"])
            out += [[zh, code, "", ""] for code, zh in columns.allowed_values(column.vocab)]
    return out
