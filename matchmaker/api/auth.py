"""Who is calling: the bearer token, and nothing else.

The API never looks at the session cookie (``wiring`` gives API requests no session at all), so a
browser's logged-in cookie is no credential here and CSRF cannot apply. Rate limits count per
token, or per address for anonymous calls and for tokens that do not work.
"""

from __future__ import annotations

import re

from flask import g, request
from flask_limiter.util import get_remote_address

from matchmaker.api.errors import ApiError
from matchmaker.logs import security_event
from matchmaker.models import ApiToken, User
from matchmaker.services import tokens

_BEARER = re.compile(r"Bearer +([A-Za-z0-9_\-]{1,200}) *\Z", re.IGNORECASE)


def presented() -> bool:
    """True when the request carries an Authorization header (valid or not)."""
    return "Authorization" in request.headers


def current_token() -> ApiToken | None:
    """The live token the request presents, looked up once per request."""
    if "api_token" not in g:
        header = request.headers.get("Authorization")
        match = _BEARER.match(header) if header else None
        g.api_token = tokens.resolve(match.group(1)) if match else None
    return g.api_token


def current_user() -> User | None:
    token = current_token()
    return token.user if token is not None else None


def authenticate(mode: str) -> User | None:
    """Apply ``mode`` ("none" | "optional" | "user" | "admin"); 401/403 when it is not met.

    A header that does not hold a working token is refused even where anonymous calls are
    welcome: a client with an expired token should learn so rather than silently lose access.
    """
    if mode == "none":
        return None
    user = current_user()
    if user is None and (presented() or mode != "optional"):
        if presented():  # a token that does not work (never the token itself in the log)
            security_event("api_token_auth", result="failure", reason="invalid_token")
        raise ApiError("unauthorized")
    if mode == "admin" and not user.is_admin:
        raise ApiError("forbidden")
    return user


def rate_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token is not None else f"api-ip:{get_remote_address()}"
