"""The flask-smorest ``Api``: where the OpenAPI document is served, what it says about the whole API.

``init_app`` runs before the site's error handlers are installed (flask-smorest registers a JSON
handler for every HTTP error; the site's pages and ``api.errors`` take their place after it).
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from matchmaker import __version__
from matchmaker.api.schemas import ErrorOut
from matchmaker.config import Config
from matchmaker.converters import MAX_ID, IdConverter

DESCRIPTION = """\
The JSON API of the Jing-Jin-Ji technology supply and demand pool (京津冀科技成果供需库).

* Get a token with `POST /auth/token` (e-mail and password), or create one on the site under
  *My API tokens* (`/me/tokens`); send it as `Authorization: Bearer <token>`. Tokens expire
  (30 days by default) and can be revoked there. The session cookie of the site is never used.
* Bodies are JSON (`Content-Type: application/json`, UTF-8). Field names are the pool's own (those of
  its data model and of its import template). Unknown fields, and fields set by the platform (`id`,
  `status`, `organization`, …), are refused with 422, not ignored.
* Every error has the shape `{{"error": {{"code", "message", "fields"}}}}`; messages are in Chinese,
  or in English with `Accept-Language: en`.
* Rate limits: {read} reads and {write} writes per token (or per address without one);
  {token} token requests per address. A 429 answer carries `Retry-After`.
* Rules the schema cannot state are checked too, with 422: a minimum not above its maximum, a
  deadline not in the past, a signing date not in the future; for challenges, criteria weights adding
  up to 100, milestones in date order whose payments add up to the price, and what the challenge asks
  (one plan per indicator, a price within its budget, a maturity at least its minimum, points up to
  each criterion's weight).
"""


class PoolApi(Api):
    ERROR_SCHEMA = ErrorOut  # the one error shape of ``api.errors``


def init_app(app: Flask) -> PoolApi:
    """The app's ``Api`` (one per app: each holds its own document); ``create_app`` registers the
    API's blueprint on it."""
    app.config.setdefault("API_TITLE", "京津冀科技成果供需库 API")
    app.config.setdefault("API_VERSION", __version__)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    limits = {
        key.lower(): app.config.get(f"API_RATELIMIT_{key}", getattr(Config, f"API_RATELIMIT_{key}"))
        for key in ("READ", "WRITE", "TOKEN")
    }
    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": DESCRIPTION.format(**limits)}})
    app.json.ensure_ascii = False  # Chinese as it is, not \\u escapes
    api = PoolApi(app)
    api.register_converter(IdConverter, lambda _converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    return api


def of(app: Flask) -> PoolApi:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
