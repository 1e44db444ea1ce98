"""The JSON API under /api/v1 for the region's other platforms (token auth, OpenAPI described).

Views call the same services and permissions as the pages; ``registry`` declares each endpoint
once, for its checks and for the document at /api/v1/openapi.json. Registering the blueprint also
registers the token page (/me/tokens) and the app-wide pieces in ``wiring``.
"""

from flask import Blueprint

from matchmaker.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # callers authenticate with a bearer token, never with the cookie CSRF protects

from matchmaker.api import wiring  # noqa: E402

bp.record_once(wiring.setup)
bp.before_request(wiring.anonymous_login_user)
bp.after_request(wiring.no_store)

from matchmaker.api import tokens, postings, interests, admin, docs  # noqa: E402,F401,I001  (their routes, in document order)
