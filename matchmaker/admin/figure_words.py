"""The dashboard's figures in words: what each section, measure and key is called, and what it means.

One table for the page, its definitions and its CSV, in the reader's language (codes stay in the
CSV's last column for programs). Pure data and two small functions.
"""

from __future__ import annotations

from matchmaker import domain

Label = tuple[str, str]

SECTIONS: dict[str, Label] = {
    "postings_by_region": ("各地区发布数", "Postings by region"),
    "postings_by_field": ("各领域发布数", "Postings by field"),
    "funnel": ("需求进展", "How far needs got"),
    "funnel_by_month": ("各月对接动态", "Activity by month"),
    "deal_flows": ("地区间成交", "Deals between regions"),
    "feedback": ("推荐反馈", "Suggestion feedback"),
    "self_sufficiency": ("河北需求指标", "Hebei needs"),
    "unmet_demand": ("未满足需求", "Unmet demand"),
    "common_needs": ("共性需求", "Common needs"),
}
MEASURES: dict[str, Label] = {
    "achievement": ("科技成果", "Achievements"),
    "need": ("技术需求", "Needs"),
    "count": ("数量", "Count"),
    "interests": ("对接意向", "Interests"),
    "accepted": ("接受对接", "Accepted introductions"),
    "deals": ("成交", "Deals"),
    "amount_wan": ("成交额（万元）", "Amount (ten-thousand yuan)"),
    "relevant": ("相关", "Relevant"),
    "irrelevant": ("不相关", "Not relevant"),
    "hebei_needs": ("已发布的河北需求", "Published Hebei needs"),
    "with_strong_suggestion": ("有京津强匹配推荐的", "With a strong Beijing/Tianjin suggestion"),
    "strong_suggestion_rate": ("强匹配覆盖率", "Strong-suggestion coverage"),
    "hebei_needs_all": ("河北需求（含已解决）", "Hebei needs (fulfilled included)"),
    "with_introduction_or_deal": ("已对接的", "With an accepted introduction"),
    "introduction_rate": ("对接率", "Introduction rate"),
    "with_regional_deal": ("与京津成果成交的", "With a deal with Beijing/Tianjin"),
    "self_sufficiency_rate": ("区域自给率", "Regional self-sufficiency"),
    "needs": ("需求数", "Needs"),
    "firms": ("企业数", "Firms"),
    **domain.FEEDBACK_REASONS,
}
FUNNEL: dict[str, Label] = {
    "needs": ("已发布或已解决的需求", "Needs published or fulfilled"),
    "with_interest": ("有对接意向的", "With an expression of interest"),
    "accepted": ("对接被接受的", "With an accepted introduction"),
    "deal": ("已成交的", "With a signed deal"),
}
# One line under each figure: what it counts (the same words as the CSV).
DEFINITIONS: dict[str, Label] = {
    "strong": (
        "强匹配：匹配器的文本得分 ≥ 0.10，即需求的问题、技术关键和目标与成果的描述高度吻合（在基准测试中，强匹配多为同领域的对口成果）。",
        "Strong match: the matcher's text score is at least 0.10, i.e. the need's problem, key points and goals "
        "closely match the achievement's description (on the benchmark, strong matches are mostly the right "
        "counterpart in the same field).",
    ),
    "strong_suggestion_rate": (
        "已发布的河北需求中，至少有一条北京或天津科技成果强匹配推荐的比例。",
        "Share of published Hebei needs with at least one strong suggestion from Beijing or Tianjin.",
    ),
    "introduction_rate": (
        "河北需求（已发布及已解决）中，对接意向被接受（或已成交）的比例。",
        "Share of Hebei needs (published or fulfilled) with an accepted introduction or a deal.",
    ),
    "self_sufficiency_rate": (
        "区域自给率：河北需求（已发布及已解决）中，与北京或天津的科技成果签约成交的比例。",
        "Regional self-sufficiency: share of Hebei needs (published or fulfilled) met by a deal "
        "with a Beijing or Tianjin achievement.",
    ),
    "funnel": (
        "每一层都是上一层的一部分：已发布或已解决的需求 → 其中有对接意向的 → 其中对接被接受的 → 其中已成交的。",
        "Each stage is part of the one before: needs published or fulfilled → with an interest → accepted → signed.",
    ),
    "months": (
        "按月份统计发生的事件：发出的对接意向、被接受的对接、签订的合同。",
        "Events per month: interests expressed, introductions accepted, contracts signed.",
    ),
    "unmet": (
        "已发布的河北需求中，尚无京津强匹配推荐的，按领域和城市统计：京津机构可在这些方向寻找成果。",
        "Published Hebei needs without a strong Beijing/Tianjin suggestion, by field and city: where offices should scout.",
    ),
}


def word(table: dict[str, Label], code: str, lang: str) -> str:
    return domain.label(table, code, lang) if code in table else code


def key_words(section: str, key: str, lang: str) -> str:
    """A row's key in words: a region, a field, a region flow, a field and city, a funnel stage."""
    if section == "postings_by_region":
        return domain.label(domain.REGIONS, key, lang)
    if section == "postings_by_field":
        return domain.label(domain.FIELDS, key, lang)
    if section == "funnel":
        return word(FUNNEL, key, lang)
    if section == "deal_flows" and "->" in key:
        src, dst = key.split("->")
        return f"{domain.label(domain.REGIONS, src, lang)}→{domain.label(domain.REGIONS, dst, lang)}"
    if section == "unmet_demand" and "@" in key:
        field, city = key.split("@", 1)
        return f"{domain.label(domain.FIELDS, field, lang)} · {domain.city_label(city, lang)}"
    if section == "common_needs" and key.startswith("cluster "):
        return f"第{key.split()[1]}组" if lang == "zh" else f"Group {key.split()[1]}"
    return {"hebei": ("河北", "Hebei"), "all": ("全部", "All")}.get(key, (key, key))[lang == "en"]
