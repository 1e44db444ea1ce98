"""Home page, language switch and a health check for load balancers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from sqlalchemy import text

from matchmaker.auth.views import safe_next
from matchmaker.extensions import db
from matchmaker.i18n import EN, ZH
from matchmaker.services import browse, deals

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    return render_template(
        "main/home.html",
        counts=browse.counts_by_region(),
        achievements=browse.latest("achievement"),
        needs=browse.latest("need"),
        cases=deals.recent_cases(),
    )


@bp.route("/lang/<code>")
def set_language(code: str):
    """The header's 中文 | English switch; remembers the choice in the session."""
    if code not in ("zh", "en"):
        abort(404)
    session["lang"] = EN if code == "en" else ZH
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


@bp.route("/about")
def about():
    return render_template("main/about.html")


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
