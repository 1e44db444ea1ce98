"""One budget of password guesses per client address and per account, whichever door is used.

The login page and the API's token endpoint both check a password: they count in the same two
shared limits, so an attacker cannot add the API's allowance to the page's, nor spread guesses at
one account over many addresses (``AUTH_ACCOUNT_LIMIT`` per e-mail, any address).

Only failed guesses count against the account, and a browser that logged in to the account before
(a signed "known device" cookie) is exempt from the account's budget: someone hammering an account
from elsewhere cannot lock its owner out (the per-address budget still holds for everyone).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeTimedSerializer

from matchmaker.extensions import limiter

DEVICE_COOKIE = "known_device"
DEVICE_DAYS = 180
SALT = "matchmaker.known-device"


def _submitted_email() -> str:
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    return (email if isinstance(email, str) else "").strip().lower()[:254]


def _account_key() -> str:
    """The e-mail a password is tried for, from the form or the JSON body (else the client address)."""
    email = _submitted_email()
    return "account:" + email if email else "address:" + get_remote_address()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _known_device() -> bool:
    """True when this browser logged in before to the account it now tries (its cookie names it)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return False
    try:
        email = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except (BadData, TypeError, ValueError):
        return False
    return isinstance(email, str) and email == _submitted_email()


def remember_device(response, email: str):
    """After a successful login: this browser is known to this account from now on."""
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(email),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )
    return response


def _failed(response) -> bool:
    return response.status_code not in (201, 302, 303)


def login_limits(view: Callable) -> Callable:
    address = limiter.shared_limit(
        lambda: current_app.config["AUTH_RATE_LIMIT"],
        scope="password-guess",
        key_func=get_remote_address,
        methods=["POST"],
    )
    account = limiter.shared_limit(
        lambda: current_app.config["AUTH_ACCOUNT_LIMIT"],
        scope="password-guess-account",
        key_func=_account_key,
        methods=["POST"],
        deduct_when=_failed,
        exempt_when=_known_device,
    )
    return address(account(view))
