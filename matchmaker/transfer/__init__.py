"""Import and export of postings (CSV/XLSX), for admins and the command line."""

from flask import Blueprint

bp = Blueprint("transfer", __name__, url_prefix="/admin/transfer")

from matchmaker.transfer import views  # noqa: E402,F401  (attaches the routes to bp)
