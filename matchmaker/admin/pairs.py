"""Curated pairings: the best suggested pairs, recommend one to both sides or dismiss it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.admin import bp
from matchmaker.admin.forms import PairForm
from matchmaker.errors import refusal
from matchmaker.paging import page_number
from matchmaker.services import curation
from matchmaker.services.errors import DomainError

PER_PAGE, MAX_PAGE, CURATED_SHOWN = 50, 20, 50


@bp.route("/pairs")
def pairs():
    page = page_number()
    if page > MAX_PAGE:
        abort(400)
    curated = curation.recommended_pairs()
    return render_template(
        "admin/pairs.html",
        rows=curation.pairs_for_admin(page, PER_PAGE),
        page=page,
        per_page=PER_PAGE,
        has_more=page < MAX_PAGE,
        curated=curated[:CURATED_SHOWN],
        titles=curation.titles_of(curated[:CURATED_SHOWN]),
        curated_more=max(0, len(curated) - CURATED_SHOWN),
        form=PairForm(),
    )


@bp.route("/pairs", methods=["POST"])
def curate():
    form = PairForm()
    if not form.validate() or form.decision.data not in ("recommended", "dismissed"):
        abort(400)
    try:
        curation.curate_pair(
            current_user, form.need_id.data, form.achievement_id.data, form.decision.data, form.note.data or ""
        )
    except DomainError as error:
        if (page := refusal(error)) is not None:
            return page
        flash(str(error), "error")
    else:
        flash(
            _("Recommended to both sides.")
            if form.decision.data == "recommended"
            else _("Dismissed: this pair will not be suggested again."),
            "success",
        )
    return redirect(url_for("admin.pairs"), 303)
