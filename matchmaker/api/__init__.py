"""The JSON API under /api/v1 for the region's other platforms (token auth, OpenAPI described)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
