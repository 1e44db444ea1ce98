"""One budget of password guesses per client address and per account, whichever door is used.

The login page and the API's token endpoint both check a password: they count in the same two
shared limits, so an attacker cannot add the API's allowance to the page's, nor spread guesses at
one account over many addresses (``AUTH_ACCOUNT_LIMIT`` per e-mail, any address).
"""

from __future__ import annotations

from typing import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from matchmaker.extensions import limiter


def _account_key() -> str:
    """The e-mail a password is tried for, from the form or the JSON body (else the client address)."""
    email = request.form.get("email")
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    email = (email if isinstance(email, str) else "").strip().lower()[:254]
    return "account:" + email if email else "address:" + get_remote_address()


def login_limits(view: Callable) -> Callable:
    address = limiter.shared_limit(lambda: current_app.config["AUTH_RATE_LIMIT"], scope="password-guess",
                                   key_func=get_remote_address, methods=["POST"])
    account = limiter.shared_limit(lambda: current_app.config["AUTH_ACCOUNT_LIMIT"], scope="password-guess-account",
                                   key_func=_account_key, methods=["POST"])
    return address(account(view))
