"""Operations: one declaration per endpoint gives its route, its checks and its OpenAPI entry.

``operation(...)`` registers a view on the blueprint wrapped in the same steps for every
endpoint (rate-limit, authenticate, read the query) and records what it takes and returns, from
which ``openapi.document()`` writes the description. A view receives the caller, the parsed
query and ``body``, a function that reads and checks the request body: the view calls it once it
has found the object and checked that the caller may act on it, so that an outsider learns 404
or 403, never what was wrong with their input. The view calls a service and returns
``(data, status[, headers])``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app

from matchmaker.api import auth, parsing
from matchmaker.api.errors import json_response
from matchmaker.api.schema import Integer, Schema
from matchmaker.auth.limits import login_limits
from matchmaker.config import Config
from matchmaker.converters import MAX_ID
from matchmaker.extensions import limiter

READ_METHODS = ("GET", "HEAD")
# Rate limits (config keys, so operators can change them): per token, or per address when anonymous.
LIMITS = {key: getattr(Config, key) for key in ("API_RATELIMIT_READ", "API_RATELIMIT_WRITE", "API_RATELIMIT_TOKEN")}


@dataclass
class Operation:
    method: str
    rule: str  # relative to the blueprint, e.g. "/achievements/<id:posting_id>"
    endpoint: str
    summary: tuple[str, str]  # (English, Chinese)
    tag: str
    auth: str  # "none" | "optional" | "user" | "admin"
    query: dict[str, Schema] = field(default_factory=dict)
    body: Schema | None = None
    status: int = 200
    response: Schema | None = None  # None: no content
    errors: tuple[int, ...] = ()
    description: str = ""
    password: bool = False  # checks a password: counted in the login page's budget (``auth.limits``)

    @property
    def path(self) -> str:
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", self.rule)

    def error_statuses(self) -> list[int]:
        statuses = set(self.errors) | {400, 429}
        if self.auth != "none":
            statuses.add(401)
        if self.auth == "admin":
            statuses.add(403)
        if self.path_parameters:
            statuses.add(404)
        if self.method not in READ_METHODS:
            statuses |= {413, 415}
            if self.body is not None:
                statuses.add(422)
        return sorted(statuses)


OPERATIONS: list[Operation] = []
ID = Integer(minimum=1, maximum=MAX_ID)


def _limit(config_key: str) -> Callable[[], str]:
    return lambda: current_app.config.get(config_key, LIMITS[config_key])


def operation(bp: Blueprint, view: Callable, **spec: Any) -> Operation:
    """Register ``view`` for one method and rule, with the steps every endpoint shares."""
    op = Operation(**spec)
    OPERATIONS.append(op)

    def endpoint(**path_values):
        user = auth.authenticate(op.auth)
        kwargs: dict[str, Any] = dict(path_values)
        query = parsing.query(op.query)  # an operation without parameters refuses any
        if op.query:
            kwargs["query"] = query
        if op.body is not None:
            kwargs["body"] = lambda: parsing.body(op.body)
        elif op.method not in READ_METHODS:
            parsing.body(None)  # nothing, or an empty object
        result = view(user, **kwargs)
        if not isinstance(result, tuple):
            return result
        data, status, *rest = result
        headers = rest[0] if rest else None
        if data is None:  # 204: no body, so no content type either
            response = current_app.response_class(status=status, headers=headers)
            del response.headers["Content-Type"]
            return response
        return json_response(data, status, headers)

    endpoint.__name__ = endpoint.__qualname__ = op.endpoint
    if op.password:
        limited = login_limits(endpoint)
    elif op.auth == "none":
        limited = limiter.limit(_limit("API_RATELIMIT_TOKEN"), scope="api-token", methods=[op.method])(endpoint)
    elif op.method in READ_METHODS:
        limited = limiter.shared_limit(_limit("API_RATELIMIT_READ"), scope="api-read", key_func=auth.rate_key)(endpoint)
    else:
        limited = limiter.shared_limit(_limit("API_RATELIMIT_WRITE"), scope="api-write", key_func=auth.rate_key)(
            endpoint
        )
    bp.add_url_rule(op.rule, endpoint=op.endpoint, view_func=limited, methods=[op.method])
    return op
