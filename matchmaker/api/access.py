"""Who may call an operation, and how often: one decorator per view, placed above ``arguments``.

``access(mode)`` authenticates the bearer token (``api.auth``; 401/403 before anything in the
request is read) and applies the operation's rate limit: per token, or per address when anonymous;
an operation that checks a password counts in the login page's budget (``auth.limits``). The view
receives the caller first. ``posting(kind)``, ``interest()``, ``challenge()`` and ``proposal`` then find the object the path names
and check the caller may act on it, so an outsider learns 404 or 403, never what was wrong with the
body (which ``arguments`` reads after them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app, request

from matchmaker.api import auth, bp
from matchmaker.api.errors import ApiError
from matchmaker.api.parser import strict_json
from matchmaker.auth.limits import login_limits
from matchmaker.config import Config
from matchmaker.extensions import limiter
from matchmaker.schemas.base import UNKNOWN
from matchmaker.services import challenge_rules, challenges, interests, postings, proposals

READ_METHODS = ("GET", "HEAD")
LIMITS = {key: getattr(Config, key) for key in ("API_RATELIMIT_READ", "API_RATELIMIT_WRITE", "API_RATELIMIT_TOKEN")}
BEARER = [{"bearer": []}]


def _limit(config_key: str) -> Callable[[], str]:
    return lambda: current_app.config.get(config_key, LIMITS[config_key])


def _budget() -> str:
    key = "API_RATELIMIT_READ" if request.method in READ_METHODS else "API_RATELIMIT_WRITE"
    return current_app.config.get(key, LIMITS[key])


def _scope(_endpoint: str) -> str:
    return "api-read" if request.method in READ_METHODS else "api-write"


# One budget of reads and one of writes per token (or per address), shared by every operation.
_per_token = limiter.shared_limit(_budget, scope=_scope, key_func=auth.rate_key)


def _takes_query(view: Callable) -> bool:
    """Whether flask-smorest reads query parameters for ``view`` (an ``arguments(..., location="query")``
    below this decorator; flask-smorest keeps what it documents in ``_apidoc``)."""
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    return any(parameter.get("in") == "query" for parameter in parameters)


def access(mode: str, password: bool = False) -> Callable:
    """``mode``: "none" | "optional" | "user" | "admin" (see ``auth.authenticate``)."""

    def decorate(view: Callable) -> Callable:
        takes_query = _takes_query(view)

        @functools.wraps(view)
        def endpoint(*args, **kwargs):
            user = auth.authenticate(mode)
            if request.args and not takes_query:  # an operation without parameters refuses any
                raise ApiError("invalid_query", fields={key: str(UNKNOWN) for key in request.args})
            return view(user, *args, **kwargs) if mode != "none" else view(*args, **kwargs)

        security = [] if mode == "none" else BEARER + ([{}] if mode == "optional" else [])
        endpoint = bp.doc(security=security)(endpoint)
        if password:
            return login_limits(endpoint)
        if mode == "none":
            return limiter.limit(_limit("API_RATELIMIT_TOKEN"), scope="api-token")(endpoint)
        return _per_token(endpoint)

    return decorate


def no_body(view: Callable) -> Callable:
    """An operation that takes no body refuses one (400), rather than ignore what the caller meant."""

    @functools.wraps(view)
    def bare(*args, **kwargs):
        if request.get_data(cache=True).strip() and strict_json() != {}:
            raise ApiError("unexpected_body")
        return view(*args, **kwargs)

    return bare


def poster(kind: str) -> Callable:
    """403 unless the caller's organization posts this kind (checked before the body is read)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def allowed(user, *args, **kwargs):
            postings.ensure_can_post(user, kind)
            return view(user, *args, **kwargs)

        return allowed

    return decorate


def posting(kind: str, editable: bool = False) -> Callable:
    """Pass the posting the path names (``posting_id``) instead of its id; 404 if the caller may not
    see it, 403 if ``editable`` and they may not change it."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def found(user, *args, posting_id: int, **kwargs):
            get = postings.get_editable if editable else postings.get_visible
            return view(user, get(user, kind, posting_id), *args, **kwargs)

        return found

    return decorate


def interest(recipient_only: bool = False, party: bool = True) -> Callable:
    """Pass the interest the path names; 404 unless a party or an admin, 403 for an admin where only
    the parties act (and for the initiator where only the recipient does)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def found(user, *args, interest_id: int, **kwargs):
            item = interests.get_visible(user, interest_id)
            if party:
                interests.require_party(user, item, recipient_only=recipient_only)
            return view(user, item, *args, **kwargs)

        return found

    return decorate


def sponsor_firm(view: Callable) -> Callable:
    """403 unless the caller is a member of a firm (who posts challenges; checked before the body is read)."""

    @functools.wraps(view)
    def allowed(user, *args, **kwargs):
        challenges.ensure_can_create(user)
        return view(user, *args, **kwargs)

    return allowed


def challenge(manage: bool = False) -> Callable:
    """Pass the challenge the path names (``challenge_id``); 404 if the caller may not see it, 403 if
    ``manage`` and they are neither a sponsor's member nor an admin."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def found(user, *args, challenge_id: int, **kwargs):
            get = challenge_rules.get_managed if manage else challenge_rules.get_visible
            return view(user, get(user, challenge_id), *args, **kwargs)

        return found

    return decorate


def proposal(view: Callable) -> Callable:
    """Pass the proposal the path names; 404 for anyone who may not read it (whether or not it exists)."""

    @functools.wraps(view)
    def found(user, *args, proposal_id: int, **kwargs):
        return view(user, proposals.get_visible(user, proposal_id), *args, **kwargs)

    return found
