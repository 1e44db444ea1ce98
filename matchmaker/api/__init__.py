"""The JSON API under /api/v1 for the region's other platforms (token auth, OpenAPI described).

Views call the same services and permissions as the pages; ``registry`` declares each endpoint
once, for its checks and for the document at /api/v1/openapi.json. What the API needs of the whole
app (no session under /api/, JSON errors there, no CSRF, the token page at /me/tokens) is wired by
``create_app`` from ``wiring``, ``errors`` and ``ui``, one line each.
"""

from flask import Blueprint

from matchmaker.api import wiring

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(wiring.anonymous_login_user)
bp.after_request(wiring.no_store)

from matchmaker.api import tokens, postings, interests, admin, docs  # noqa: E402,F401,I001  (their routes, in document order)
