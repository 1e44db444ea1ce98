"""Admin pages: upload a file of postings and read the report; download the template and the lists.

Every route is for admins only (the guard below). Imports from this page publish what they load.
"""

from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, render_template, request, send_file
from flask_login import current_user, login_required

from matchmaker import clock, permissions
from matchmaker.services import transfer
from matchmaker.services.errors import DomainError
from matchmaker.transfer import bp, columns, lists
from matchmaker.transfer.forms import ImportForm

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.before_request
@login_required
def require_admin():
    if not permissions.is_admin(current_user):
        abort(403)


def _index(form: ImportForm, status: int = 200):
    return render_template(
        "transfer/index.html",
        form=form,
        columns=columns.COLUMNS,
        allowed=columns.allowed_values,
        exports=lists.WHAT,
        titles=lists.TITLES,
        max_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 2**20,
    ), status


@bp.route("/")
def index():
    return _index(ImportForm())


@bp.route("/import", methods=["POST"])
def upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    upload = form.file.data
    try:
        report = transfer.import_file(
            current_user,
            upload.filename or "",
            upload.read(),
            kind=form.kind.data or None,
            org_credit_code=form.org_credit_code.data,
            valid_only=form.valid_only.data,
            dry_run=form.dry_run.data,
            publish=True,
        )
    except DomainError as error:
        if error.status == 403:
            abort(403)
        flash(str(error), "error")
        return _index(form, 400)
    return render_template("transfer/report.html", report=report), 200 if report.committed or not report.errors else 422


def _download(data: bytes, name: str, fmt: str):
    response = send_file(BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=f"{name}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/template/<any(achievement, need):kind>.<any(csv, xlsx):fmt>")
def template(kind: str, fmt: str):
    return _download(transfer.template_file(kind, fmt), f"{kind}-import-template", fmt)


@bp.route("/export/<any(achievements, needs, interests, deals):what>.<any(csv, xlsx):fmt>")
def export(what: str, fmt: str):
    data = transfer.export_file(what, fmt, base_url=request.host_url)
    return _download(data, f"{what}-{clock.today().isoformat()}", fmt)
