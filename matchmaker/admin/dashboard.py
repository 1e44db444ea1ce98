"""The regional dashboard: pictures (drawn by static/js/charts.js) over tables, and a CSV of it all.

The figures are read from tables the figures service keeps (``services/figures.py``); the two long
lists, unmet cells and groups of common needs, are paged (``?unmet_page=``, ``?groups_page=``).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Response, redirect, render_template, url_for
from flask_babel import gettext as _

from matchmaker import domain
from matchmaker.admin import bp
from matchmaker.admin import figure_words as words
from matchmaker.i18n import current_lang
from matchmaker.models.base import utcnow
from matchmaker.paging import Page, page_number
from matchmaker.services import challenge_stats, figures


@bp.route("/")
def home():
    return redirect(url_for("admin.dashboard"))


UNMET_PER_PAGE, GROUPS_PER_PAGE = 20, 10


@bp.route("/dashboard")
def dashboard():
    unmet, groups = page_number("unmet_page"), page_number("groups_page")
    data = figures.overview(
        unmet=((unmet - 1) * UNMET_PER_PAGE, UNMET_PER_PAGE), groups=((groups - 1) * GROUPS_PER_PAGE, GROUPS_PER_PAGE)
    )
    pages = {
        "unmet": Page(unmet, UNMET_PER_PAGE, total=data["unmet_demand_total"], items=data["unmet_demand"]),
        "groups": Page(groups, GROUPS_PER_PAGE, total=data["common_needs_total"], items=data["common_needs"]),
    }
    stamp = figures.updated_at(data)
    months = months_without_gaps(data["funnel_by_month"], utcnow().strftime("%Y-%m"))
    lang = current_lang()
    return render_template(
        "admin/dashboard.html",
        data=data,
        charts=chart_specs(data, months),
        months=months,
        pages=pages,
        updated=datetime.fromisoformat(stamp) if stamp else None,
        define={k: domain.label(words.DEFINITIONS, k, lang) for k in words.DEFINITIONS},
        challenges=challenge_stats.figures(),
    )


def months_without_gaps(by_month: dict[str, dict[str, int]], until: str) -> dict[str, dict[str, int]]:
    """Every month from the first with activity to ``until`` ("YYYY-MM"), empty months included."""
    if not by_month:
        return {}
    year, month = map(int, min(by_month).split("-"))
    out: dict[str, dict[str, int]] = {}
    while f"{year:04d}-{month:02d}" <= max(until, max(by_month)):
        key = f"{year:04d}-{month:02d}"
        out[key] = by_month.get(key, {})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def chart_specs(data: dict, months: dict[str, dict[str, int]]) -> dict[str, dict]:
    """What static/js/charts.js draws, with labels in the reader's language."""
    lang = current_lang()
    kinds = {"achievement": _("Achievements"), "need": _("Needs")}
    events = {m: words.word(words.MEASURES, m, lang) for m in ("interests", "accepted", "deals")}
    stages = {s: words.word(words.FUNNEL, s, lang) for s in words.FUNNEL}
    regions = {code: domain.label(domain.REGIONS, code, lang) for code in domain.REGIONS}
    fields = sorted(data["postings_by_field"], key=lambda f: -sum(data["postings_by_field"][f].values()))
    cells = data.get("unmet_matrix", [])
    rows = sorted({c["field"] for c in cells}, key=lambda f: -sum(c["needs"] for c in cells if c["field"] == f))
    cols = [c for c in domain.CITIES["hebei"] if any(cell["city"] == c for cell in cells)]
    return {
        "regions": {
            "title": _("Postings by region"),
            "categories": list(domain.REGIONS),
            "series": list(kinds),
            "labels": {**regions, **kinds},
            "values": data["postings_by_region"],
        },
        "fields": {
            "title": _("Postings by field"),
            "categories": fields,
            "series": list(kinds),
            "labels": {**{f: domain.label(domain.FIELDS, f, lang) for f in fields}, **kinds},
            "values": data["postings_by_field"],
        },
        "months": {
            "title": words.word(words.SECTIONS, "funnel_by_month", lang),
            "categories": list(months),
            "series": list(events),
            "labels": {**{m: m for m in months}, **events},
            "values": months,
        },
        "funnel": {
            "title": words.word(words.SECTIONS, "funnel", lang),
            "stages": list(stages),
            "labels": stages,
            "values": {s: data["funnel"].get(s, {}).get("count", 0) for s in stages},
        },
        "flows": {
            "title": _("Deals between regions"),
            "regions": list(domain.REGIONS),
            "labels": regions,
            "flows": data["deal_flows"],
            "empty": _("No deals recorded yet."),
        },
        "unmet": {
            "title": words.word(words.SECTIONS, "unmet_demand", lang),
            "rows": rows,
            "cols": cols,
            "labels": {
                **{f: domain.label(domain.FIELDS, f, lang) for f in rows},
                **{c: domain.city_label(c, lang) for c in cols},
            },
            "values": {f"{c['field']}@{c['city']}": c["needs"] for c in cells},
        },
    }


@bp.route("/dashboard.csv")
def dashboard_csv():
    figures.follow()
    out = io.StringIO()
    writer = csv.writer(out)
    lang = current_lang()
    writer.writerow([_("Section"), _("Item"), _("Measure"), _("Value"), _("Codes (section / item / measure)")])
    for section, key, measure, value in figures.counter_rows():
        writer.writerow(
            [
                _neutral(v)
                for v in (
                    words.word(words.SECTIONS, section, lang),
                    words.key_words(section, key, lang),
                    words.word(words.MEASURES, measure, lang),
                    value,
                    f"{section}/{key}/{measure}",
                )
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=dashboard.csv"},
    )


def _neutral(value):
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
