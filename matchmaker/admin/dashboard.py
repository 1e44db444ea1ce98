"""The regional dashboard: pictures (drawn by static/js/charts.js) over tables, and a CSV of it all.

The figures are read from tables the figures service keeps (``services/figures.py``); the two long
lists, unmet cells and groups of common needs, are paged (``?unmet_page=``, ``?groups_page=``).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import Response, redirect, render_template, url_for
from flask_sqlalchemy.pagination import Pagination

from flask_babel import gettext as _

from matchmaker import domain
from matchmaker.admin import bp
from matchmaker.i18n import current_lang
from matchmaker.paging import page_number
from matchmaker.services import figures


@bp.route("/")
def home():
    return redirect(url_for("admin.dashboard"))


UNMET_PER_PAGE, GROUPS_PER_PAGE = 20, 10


class ListPage(Pagination):
    """One page of a list whose page the service already read: only numbering and links here."""

    def _query_items(self) -> list:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]


@bp.route("/dashboard")
def dashboard():
    unmet, groups = page_number("unmet_page"), page_number("groups_page")
    data = figures.overview(unmet=((unmet - 1) * UNMET_PER_PAGE, UNMET_PER_PAGE),
                            groups=((groups - 1) * GROUPS_PER_PAGE, GROUPS_PER_PAGE))
    pages = {
        "unmet": ListPage(page=unmet, per_page=UNMET_PER_PAGE, error_out=False, items=data["unmet_demand"],
                          total=data["unmet_demand_total"]),
        "groups": ListPage(page=groups, per_page=GROUPS_PER_PAGE, error_out=False, items=data["common_needs"],
                           total=data["common_needs_total"]),
    }
    stamp = figures.updated_at(data)
    return render_template("admin/dashboard.html", data=data, charts=chart_specs(data), totals=funnel_totals(data),
                           pages=pages, updated=datetime.fromisoformat(stamp) if stamp else None)


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


@bp.route("/dashboard.csv")
def dashboard_csv():
    figures.follow()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "measure", "value"])
    for row in figures.counter_rows():
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
