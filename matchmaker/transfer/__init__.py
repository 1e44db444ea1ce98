"""Import and export of postings (CSV/XLSX), for admins and the command line."""

from flask import Blueprint

bp = Blueprint("transfer", __name__, url_prefix="/admin/transfer")
