"""Getting a token with e-mail and password, and asking whose token it is.

A wrong password and an unknown e-mail get the same answer (``accounts.authenticate`` also
spends the same time on both); the endpoint counts in the login page's budget of guesses per
address and per account (``auth.limits``).
"""

from __future__ import annotations

from matchmaker.api import bp, fields, serialize
from matchmaker.api.errors import ApiError
from matchmaker.api.registry import operation
from matchmaker.services import accounts, tokens


def issue(_user, body):
    body = body()
    user = accounts.authenticate(body["email"], body["password"])
    if user is None:
        raise ApiError("invalid_credentials")
    token, raw = tokens.issue(user, body.get("name") or "API")
    return {
        "token": raw,
        "token_type": "Bearer",
        "expires_at": serialize.timestamp(token.expires_at),
        "prefix": token.prefix,
    }, 201


def me(user):
    return serialize.me(user), 200


operation(
    bp,
    issue,
    method="POST",
    rule="/auth/token",
    endpoint="token_create",
    auth="none",
    tag="auth",
    summary=("Get a token with e-mail and password", "用电子邮箱和密码获取令牌"),
    body=fields.TOKEN_INPUT,
    status=201,
    response=fields.TOKEN,
    errors=(401, 409),
    password=True,
    description="Tokens expire after 30 days; list and revoke them on the site under /me/tokens.",
)
operation(
    bp,
    me,
    method="GET",
    rule="/me",
    endpoint="me",
    auth="user",
    tag="auth",
    summary=("The account the token belongs to", "令牌所属的账号"),
    response=fields.ME,
)
