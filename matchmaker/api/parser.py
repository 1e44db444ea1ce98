"""How the API reads a request (webargs, as flask-smorest's ``arguments`` uses it), strictly.

No silent fallbacks: an unknown or repeated query parameter is a 400 naming it; a body must be JSON
(415 otherwise), parse (400, also for repeated keys, NaN or broken Unicode), and fit its schema (422
naming each field). Errors leave as ``ApiError``, in the API's one error shape (``api.errors``).
"""

from __future__ import annotations

import json
import re
from typing import Any

import marshmallow as ma
from flask import request
from flask_babel import lazy_gettext as _l
from webargs.flaskparser import FlaskParser

from matchmaker.api.errors import ApiError
from matchmaker.schemas.base import flat

_SURROGATE = re.compile("[\ud800-\udfff]")
DUPLICATE = _l("Given more than once.")


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ApiError("invalid_json", fields={key: str(DUPLICATE)})
        result[key] = value
    return result


def strict_json() -> Any:
    """The request's body as JSON: 415 unless sent as UTF-8 JSON, 400 unless it is valid JSON."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if request.mimetype != "application/json" or charset not in ("utf-8", "utf8"):
        raise ApiError("unsupported_media_type")
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: 413
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiError("invalid_json") from None
    if _SURROGATE.search(raw.decode("utf-8", "replace")) or _has_surrogate(data):
        raise ApiError("invalid_json", str(_l("The body contains text that is not valid Unicode.")))
    return data


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    return False


class StrictParser(FlaskParser):
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def load_json(self, req, schema):
        return strict_json()

    def load_querystring(self, req, schema):
        repeated = {key: str(DUPLICATE) for key in req.args if len(req.args.getlist(key)) > 1}
        if repeated:
            raise ApiError("invalid_query", fields=repeated)
        return req.args.to_dict()

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages if isinstance(error.messages, dict) else {"json": error.messages}
        location, inner = next(iter(messages.items()))
        code = "invalid_query" if location in ("query", "querystring") else "validation_failed"
        raise ApiError(code, fields=flat(inner))


parser = StrictParser()
