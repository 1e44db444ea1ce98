"""Getting a token with e-mail and password, and asking whose token it is.

A wrong password and an unknown e-mail get the same answer (``accounts.authenticate`` also
spends the same time on both); the endpoint counts in the login page's budget of guesses per
address and per account (``auth.limits``).
"""

from __future__ import annotations

from matchmaker.api import bp, serialize
from matchmaker.api.access import access
from matchmaker.api.errors import ApiError
from matchmaker.api.schemas import MeOut, TokenOut
from matchmaker.schemas.review import TokenInput
from matchmaker.services import accounts, tokens

TAGS = ["auth"]


@bp.route("/auth/token", methods=["POST"], endpoint="token_create", tags=TAGS)
@access("none", password=True)
@bp.arguments(TokenInput)
@bp.response(201, TokenOut)
@bp.alt_response(401, description="Wrong e-mail or password.")
def issue(data):
    """Get a token with e-mail and password.

    Tokens expire after 30 days; list and revoke them on the site under /me/tokens.
    """
    user = accounts.authenticate(data["email"], data["password"])
    if user is None:
        raise ApiError("invalid_credentials")
    token, raw = tokens.issue(user, data.get("name") or "API")
    return {
        "token": raw,
        "token_type": "Bearer",
        "expires_at": serialize.timestamp(token.expires_at),
        "prefix": token.prefix,
    }, 201


@bp.route("/me", methods=["GET"], endpoint="me", tags=TAGS)
@access("user")
@bp.response(200, MeOut)
def me(user):
    """The account the token belongs to."""
    return serialize.me(user)
