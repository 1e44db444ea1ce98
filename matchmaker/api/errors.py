"""One error shape for the whole API: ``{"error": {"code", "message", "fields"}}``.

Every failure under /api/ answers with it (a service's refusal, a bad parameter, an unknown
address, 405, 413, 429, even an unexpected exception), while the site's pages keep their HTML
error pages: the handlers installed here look at the path and hand everything else back to the
handlers that were there before (``matchmaker.errors``).
"""

from __future__ import annotations

import json
import logging
import secrets

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

from matchmaker import logs
from matchmaker.api.messages import CODE_FOR_STATUS, ERRORS, error_message
from matchmaker.schemas import InvalidInput
from matchmaker.services.errors import DomainError

log = logging.getLogger(__name__)
API_PREFIX = "/api/"
# Status codes the API answers itself; the site's handlers see none of these under /api/.
HANDLED_CODES = (
    400,
    401,
    403,
    404,
    405,
    406,
    408,
    409,
    410,
    411,
    412,
    413,
    414,
    415,
    416,
    417,
    418,
    422,
    428,
    429,
    431,
    500,
    501,
    503,
)


class ApiError(Exception):
    """A refusal the API reports as it is; ``code`` is a key of ``messages.ERRORS``."""

    def __init__(self, code: str, message: str | None = None, fields: dict | None = None, headers: dict | None = None):
        super().__init__(code)
        self.code, self.message, self.fields, self.headers = code, message, fields or {}, headers or {}

    @property
    def status(self) -> int:
        return ERRORS[self.code][0]


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def is_api_request() -> bool:
    return is_api_path(request.path)


def json_response(data, status: int = 200, headers: dict | None = None):
    """UTF-8 JSON with Chinese as it is (not \\u escapes)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = current_app.response_class(body, status=status, mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error_response(
    code: str,
    message: str | None = None,
    fields: dict | None = None,
    status: int | None = None,
    headers: dict | None = None,
):
    status = status or ERRORS[code][0]
    body = {"error": {"code": code, "message": message or error_message(code), "fields": fields or {}}}
    headers = dict(headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return json_response(body, status, headers)


def from_api_error(error: ApiError):
    return error_response(error.code, error.message, error.fields, headers=error.headers)


def from_domain_error(error: DomainError):
    """A service's refusal: 403/404/409/429 as they are; any other rule of the pool is a conflict with
    the current state of things (the request itself was well formed: the schema passed it)."""
    if isinstance(error, InvalidInput):
        return error_response("validation_failed", fields=error.fields)
    code = {403: "forbidden", 404: "not_found", 409: "conflict", 429: "rate_limited"}.get(error.status, "conflict")
    return error_response(code, str(error), headers=getattr(error, "headers", None))


def from_http_exception(error: HTTPException):
    status = error.code or 500
    code = CODE_FOR_STATUS.get(status) or ("server_error" if status >= 500 else "bad_request")
    headers = {
        key: value for key, value in error.get_headers() if key.lower() not in ("content-type", "content-length")
    }
    return error_response(code, status=status, headers=headers)


def from_exception(error: Exception):
    from matchmaker.extensions import db

    db.session.rollback()
    incident = secrets.token_hex(4)
    log.exception("Unhandled API error, incident %s", incident, extra={"incident": incident, **logs.request_fields()})
    response = error_response("server_error")
    response.headers["X-Incident-Id"] = incident
    return response


def install(app: Flask) -> None:
    """Answer JSON for every error under /api/, and leave every other path to the site's handlers.

    Registered by status code as well as by class, so they come first whatever the site adds; on
    other paths they pick, at call time, the handler Flask would have picked without them.
    """
    spec = app.error_handler_spec[None]
    replaced = {cls: spec[None][cls] for cls in (HTTPException, Exception) if cls in spec[None]}

    def site_handler(error: Exception):
        code = error.code if isinstance(error, HTTPException) else None
        for key in (code, None) if code else (None,):
            handlers = spec.get(key) or {}
            for cls in type(error).__mro__:
                handler = handlers.get(cls)
                if getattr(handler, "api_dispatch", False):
                    handler = replaced.get(cls) if key is None else None
                if handler is not None:
                    return handler
        return None

    def api_response(error: Exception):
        if isinstance(error, ApiError):
            return from_api_error(error)
        if isinstance(error, DomainError):
            return from_domain_error(error)
        if isinstance(error, HTTPException):
            return from_http_exception(error)
        return from_exception(error)

    def dispatch(error: Exception):
        if is_api_request():
            response = api_response(error)
            if response.status_code in (403, 404):
                logs.access_refused(response.status_code)
            return response
        handler = site_handler(error)
        if handler is not None:
            return handler(error)
        if isinstance(error, HTTPException):
            return error
        raise error

    dispatch.api_dispatch = True
    for code in HANDLED_CODES:
        app.register_error_handler(code, dispatch)
    app.register_error_handler(HTTPException, dispatch)
    app.register_error_handler(Exception, dispatch)
