"""The regional dashboard: pictures (drawn by static/js/charts.js) over tables, and a CSV of it all."""

from __future__ import annotations

import csv
import io

from flask import Response, redirect, render_template, url_for

from flask_babel import gettext as _

from matchmaker import domain
from matchmaker.admin import bp
from matchmaker.i18n import current_lang
from matchmaker.services import stats


@bp.route("/")
def home():
    return redirect(url_for("admin.dashboard"))


@bp.route("/dashboard")
def dashboard():
    data = stats.overview()
    return render_template("admin/dashboard.html", data=data, charts=chart_specs(data), totals=funnel_totals(data))


def funnel_totals(data: dict) -> dict[str, int]:
    totals = {"suggestions": 0, "interests": 0, "accepted": 0, "deals": 0}
    for month in data["funnel_by_month"].values():
        for stage in totals:
            totals[stage] += month.get(stage, 0)
    return totals


def chart_specs(data: dict) -> dict[str, dict]:
    """What static/js/charts.js draws, with labels in the reader's language."""
    lang = current_lang()
    kinds = {"achievement": _("Achievements"), "need": _("Needs")}
    stages = {"suggestions": _("Strong suggestions"), "interests": _("Interests"),
              "accepted": _("Accepted introductions"), "deals": _("Deals")}
    regions = {code: domain.label(domain.REGIONS, code, lang) for code in domain.REGIONS}
    fields = sorted(data["postings_by_field"], key=lambda f: -sum(data["postings_by_field"][f].values()))
    months = list(data["funnel_by_month"])
    return {
        "regions": {"title": _("Postings by region"), "categories": list(domain.REGIONS), "series": list(kinds),
                    "labels": {**regions, **kinds}, "values": data["postings_by_region"]},
        "fields": {"title": _("Postings by field"), "categories": fields, "series": list(kinds),
                   "labels": {**{f: domain.label(domain.FIELDS, f, lang) for f in fields}, **kinds},
                   "values": data["postings_by_field"]},
        "months": {"title": _("Funnel by month"), "categories": months, "series": list(stages),
                   "labels": {**{m: m for m in months}, **stages}, "values": data["funnel_by_month"]},
        "funnel": {"title": _("Funnel"), "stages": list(stages), "labels": stages, "values": funnel_totals(data)},
        "flows": {"title": _("Deals between regions"), "regions": list(domain.REGIONS), "labels": regions,
                  "flows": data["deal_flows"], "empty": _("No deals recorded yet.")},
    }


def _rows(data: dict):
    """Every figure of the overview as (section, key, measure, value) rows."""
    for section in ("postings_by_region", "postings_by_field", "funnel_by_month"):
        for key, measures in data[section].items():
            for measure, value in measures.items():
                yield section, key, measure, value
    for flow in data["deal_flows"]:
        yield "deal_flows", f"{flow['from']}->{flow['to']}", "deals", flow["deals"]
        yield "deal_flows", f"{flow['from']}->{flow['to']}", "amount_wan", flow["amount_wan"]
    for measure, value in data["self_sufficiency"].items():
        yield "self_sufficiency", "hebei", measure, value
    for cell in data["unmet_demand"]:
        yield "unmet_demand", f"{cell['field']}@{cell['city']}", "needs", cell["needs"]
    for n, cluster in enumerate(data["common_needs"], 1):
        yield "common_needs", f"cluster {n}", "firms", len(cluster["firms"])
    for measure, value in data["feedback"].items():
        yield "feedback", "all", measure, value


@bp.route("/dashboard.csv")
def dashboard_csv():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "measure", "value"])
    for row in _rows(stats.overview()):
        writer.writerow([_neutral(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=dashboard.csv"})


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
