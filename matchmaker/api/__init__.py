"""The JSON API under /api/v1 for the region's other platforms (token auth, OpenAPI described).

Served by flask-smorest: each view declares its input schema (``matchmaker.schemas``, the same the
services load with) and its answer (``api.schemas``), and the OpenAPI document at
/api/v1/openapi.json is generated from them. Views call the same services and permissions as the
pages. ``create_app`` wires what the API needs of the whole app, one line each: the flask-smorest
``Api`` (``api.openapi``), JSON errors under /api/ (``api.errors``), no session there
(``api.wiring``), and the token page at /me/tokens (``api.ui``).
"""

from flask_smorest import Blueprint

from matchmaker.api import wiring
from matchmaker.api.parser import parser

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="The pool's JSON API.")
bp.ARGUMENTS_PARSER = parser
bp.before_request(wiring.anonymous_login_user)
bp.after_request(wiring.no_store)

from matchmaker.api import tokens, postings, interests, challenges, admin  # noqa: E402,F401,I001  (their routes, in document order)
