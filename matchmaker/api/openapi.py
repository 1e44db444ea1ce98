"""The OpenAPI 3 document, written from the registered operations and their schemas.

Nothing here is typed twice: paths, methods, parameters, bodies, responses and security all come
from ``registry.OPERATIONS``, the same declarations the endpoints check requests with.
"""

from __future__ import annotations

from copy import deepcopy
from functools import lru_cache

from flask import current_app

from matchmaker import __version__
from matchmaker.api import fields
from matchmaker.api.registry import ID, LIMITS, OPERATIONS, Operation

SECURITY = {
    "none": [],
    "optional": [{}, {"bearerAuth": []}],
    "user": [{"bearerAuth": []}],
    "admin": [{"bearerAuth": []}],
}
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "Deleted",
    400: "Bad request: a parameter or the JSON is not valid",
    401: "No valid token",
    403: "Not allowed for this account",
    404: "Not found, or not visible to this account",
    409: "Not possible in the current state",
    413: "Body too large (1 MB)",
    415: "Body is not JSON",
    422: "A field is not valid (see error.fields)",
    429: "Rate limit reached (see Retry-After)",
}
DESCRIPTION = """\
The JSON API of the Jing-Jin-Ji technology supply and demand pool (京津冀科技成果供需库).

* Get a token with `POST /auth/token` (e-mail and password), or create one on the site under
  *My API tokens* (`/me/tokens`); send it as `Authorization: Bearer <token>`. Tokens expire
  (30 days by default) and can be revoked there. The session cookie of the site is never used.
* Bodies are JSON (`Content-Type: application/json`, UTF-8). Unknown fields and fields set by
  the platform (`id`, `status`, `organization`, …) are refused with 422, not ignored.
* Every error has the shape `{"error": {"code", "message", "fields"}}`; messages are in Chinese,
  or in English with `Accept-Language: en`.
* Rate limits: {read} reads and {write} writes per token (or per address without one);
  {token} token requests per address. A 429 answer carries `Retry-After`.
* Rules the schema cannot state are checked too, with 422: a minimum not above its maximum, a
  deadline not in the past, a signing date not in the future.
"""


def _responses(op: Operation, components: dict) -> dict:
    success: dict = {"description": STATUS_TEXT[op.status]}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": op.response.render(components)}}
    if op.status == 201:
        success["headers"] = {
            "Location": {
                "description": "The new object's address in the API.",
                "schema": {"type": "string", "format": "uri"},
            }
        }
    responses = {str(op.status): success}
    for status in op.error_statuses():
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    return responses


def _operation(op: Operation, components: dict) -> dict:
    entry: dict = {
        "operationId": op.endpoint,
        "summary": op.summary[0],
        "x-summary-zh": op.summary[1],
        "tags": [op.tag],
        "security": SECURITY[op.auth],
    }
    if op.description:
        entry["description"] = op.description
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": ID.render(components)} for name in op.path_parameters
    ]
    parameters += [
        {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema.render(components),
            **({"description": schema.description} if schema.description else {}),
        }
        for name, schema in op.query.items()
    ]
    if parameters:
        entry["parameters"] = parameters
    if op.body is not None:
        entry["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": op.body.render(components)}},
        }
    entry["responses"] = _responses(op, components)
    return entry


@lru_cache(maxsize=4)
def _document(limits: tuple[tuple[str, str], ...]) -> dict:
    components: dict = {}
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, components)
    error_schema = fields.ERROR.render(components)
    responses = {}
    for status in sorted({s for op in OPERATIONS for s in op.error_statuses()}):
        response: dict = {"description": STATUS_TEXT[status], "content": {"application/json": {"schema": error_schema}}}
        if status == 429:
            response["headers"] = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        responses[f"Error{status}"] = response
    limit = dict(limits)
    description = (
        DESCRIPTION.replace("{read}", limit["API_RATELIMIT_READ"])
        .replace("{write}", limit["API_RATELIMIT_WRITE"])
        .replace("{token}", limit["API_RATELIMIT_TOKEN"])
    )
    return {
        "openapi": "3.0.3",
        "info": {"title": "京津冀科技成果供需库 API", "version": f"1 ({__version__})", "description": description},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in OPERATIONS)],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "responses": responses,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /auth/token or the page /me/tokens.",
                }
            },
        },
    }


def document() -> dict:
    """The document for the current app's limits; a copy, so that a caller may change it."""
    limits = tuple((key, str(current_app.config.get(key, default))) for key, default in LIMITS.items())
    return deepcopy(_document(limits))
