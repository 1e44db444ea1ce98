"""The demo's two open challenges (揭榜挂帅), read from ``data/challenges.csv`` and ``data/proposals.csv``.

One is open: the common need of two Hebei steel makers (唐山 and 邯郸) on steel slag, with the centre
adding public money, and proposals from a Beijing university and a Tianjin institute. One is
awarded: a 邯郸 special-steel maker's bearing-steel cleanliness problem, won by a Beijing institute,
its first milestone accepted and the second delivered. Lists in a cell are separated by ``;``
(fields of an item by ``|``, a proposal's indicator plans by ``||``, an evaluator's points by ``/``); dates are relative
(``today+45``), as everywhere in the demo. Pure Python: ``services.seed_challenges`` loads them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from matchmaker import demo, domain

MILESTONE_STAGES = {
    "bearing": [
        (
            "accepted",
            "today-8",
            "工业试验炉次全氧均值5.4ppm，DS类夹杂最高0.5级，达到第一阶段指标，同意验收并支付首期款。",
        ),
        ("delivered", "today-3", "中间包湍流控制器和挡坝已投用，提交连续两个月的生产统计与夹杂物评级报告。"),
    ]
}


def _codes(table: dict, names: str) -> list[str]:
    by_name = {zh: code for code, (zh, _en) in table.items()}
    return [by_name[n] for n in names.split("、") if n]


def challenges(today: date) -> list[dict]:
    out = []
    for row in demo.read("challenges.csv"):
        out.append(
            {
                **row,
                "field": _codes(domain.FIELDS, row["field"])[0],
                "needs": row["needs"].split(";"),
                "shares": {k: Decimal(v) for k, v in (item.split(":") for item in row["shares"].split(";"))},
                "centre_share_wan": Decimal(row["centre_share_wan"] or "0"),
                "budget_wan": Decimal(row["budget_wan"]),
                "keywords": row["keywords"].split("、"),
                "indicators": [
                    dict(zip(("name", "target", "unit"), item.split("|"))) for item in row["indicators"].split(";")
                ],
                "criteria": [
                    {"name": name, "weight": int(weight)}
                    for name, weight in (item.split("|") for item in row["criteria"].split(";"))
                ],
                "deadline": demo.day(row["deadline"], today),
                "delivery_months": int(row["delivery_months"]),
                "regions": _codes(domain.REGIONS, row["regions"]),
                "kinds": _codes(domain.ORG_KINDS, row["kinds"]),
                "min_trl": int(row["min_trl"]),
                "experts": [e for e in row["experts"].split(";") if e],
                "created": demo.moment(row["demo_created"] + " 09:30", today),
                "opened": demo.moment(row["demo_opened"] + " 10:00", today),
                "decided": demo.moment(row["demo_decided"] + " 16:00", today) if row["demo_decided"] else None,
                "milestone_stages": [
                    (stage, demo.day(when, today), note) for stage, when, note in MILESTONE_STAGES.get(row["key"], [])
                ],
            }
        )
    return out


def proposals(today: date) -> list[dict]:
    out = []
    for row in demo.read("proposals.csv"):
        scores = []
        for item in filter(None, row["demo_scores"].split(";")):
            email, points = item.split(":")
            scores.append((email, [Decimal(p) for p in points.split("/")]))
        out.append(
            {
                **row,
                "indicator_plans": row["indicator_plans"].split("||"),
                "milestones": [
                    {"title": t, "due": demo.day(d, today), "payment_wan": Decimal(p)}
                    for t, d, p in (item.split("|") for item in row["milestones"].split(";"))
                ],
                "price_wan": Decimal(row["price_wan"]),
                "trl": int(row["trl"]),
                "achievements": [a for a in row["achievements"].split(";") if a],
                "scores": scores,
            }
        )
    return out
