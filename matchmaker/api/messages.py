"""The API's error codes: each with its HTTP status and its message, in the reader's language (Flask-Babel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERRORS: dict[str, tuple[int, object]] = {
    "bad_request": (400, _l("The request could not be understood.")),
    "invalid_query": (400, _l("A query parameter is not valid.")),
    "invalid_json": (400, _l("The body is not valid JSON.")),
    "unexpected_body": (400, _l("This endpoint takes no request body.")),
    "unauthorized": (401, _l("Send a valid API token in the header Authorization: Bearer <token>.")),
    "invalid_credentials": (401, _l("The e-mail or password is not correct.")),
    "forbidden": (403, _l("Your account does not have permission to do this.")),
    "not_found": (404, _l("Not found, or not visible to you.")),
    "method_not_allowed": (405, _l("This address does not accept that method.")),
    "conflict": (409, _l("The request does not fit the current state of the resource.")),
    "payload_too_large": (413, _l("The body is larger than the platform accepts (1 MB).")),
    "unsupported_media_type": (415, _l("Send the body as JSON (Content-Type: application/json).")),
    "validation_failed": (422, _l("Some fields are not valid.")),
    "rate_limited": (429, _l("Too many requests. Please wait a moment before trying again.")),
    "server_error": (500, _l("The platform hit an unexpected error. Nothing was saved.")),
}
CODE_FOR_STATUS = {status: code for code, (status, _message) in reversed(list(ERRORS.items()))}


def error_message(code: str) -> str:
    return str(ERRORS[code][1])
