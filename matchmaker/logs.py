"""Logs an operator can grep and a machine can parse: one JSON object per line, plus security events.

Every line is ``json.dumps`` of a dict, so a value carrying a newline (an e-mail typed as
``x@y\\n[INFO] admin logged in``) stays inside its string as ``\\n`` and cannot forge a second line.
``security_event`` writes the events a defender needs (logins, logouts, password changes,
refused requests) to the ``matchmaker.security`` logger with who, from where and on which route;
callers pass ids and outcomes, never passwords, tokens, cookies or phone numbers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request

security_log = logging.getLogger("matchmaker.security")
HANDLER_NAME = "matchmaker-json"
# Attributes every LogRecord has: anything else on a record came from ``extra=`` and is a field.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
# Characters json.dumps leaves as they are (ensure_ascii=False keeps Chinese readable) that a terminal
# or a line-splitting tool may still treat as a line break or use to reorder text: DEL and C1
# controls (U+0085 is "next line"), line/paragraph separators, bidi overrides.
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Route arguments that carry a credential (the password-reset link's token) are not written down.
_SECRET_ARG = re.compile("token|secret|password|key", re.IGNORECASE)
MAX_PATH = 200


def dumps(entry: dict) -> str:
    """One line of JSON, whatever the values hold."""
    text = json.dumps(entry, ensure_ascii=False, default=str, separators=(",", ":"))
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", <extra fields>..., "exc"}`` on one line, time in UTC."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {
            "time": stamp.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return dumps(entry)


def install_json_handler(logger: logging.Logger, root: logging.Logger, stream=None) -> bool:
    """Give ``logger`` a JSON handler on stderr, unless logging is already configured.

    Handlers on ``logger`` or on the root logger mean the operator (``logging.config``, gunicorn's
    ``--log-config``, pytest's capture) decided where lines go; then records only propagate to them.
    """
    if any(handler.name == HANDLER_NAME for handler in logger.handlers):
        return False
    if logger.handlers or root.handlers:
        return False
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.name = HANDLER_NAME
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    return True


def request_fields() -> dict[str, Any]:
    """Where a request came from and what it asked for; no user (that may need the database).

    ``ip`` is ``request.remote_addr``: the peer, or the client's address once a ProxyFix that
    trusts the deployment's proxies is in front. The raw path is kept only when no route matched:
    a route's own path can hold a secret (a password-reset link), its rule and arguments do not.
    """
    if not has_request_context():
        return {}
    fields: dict[str, Any] = {"ip": request.remote_addr, "method": request.method}
    rule = request.url_rule
    if rule is not None:
        fields["route"], fields["endpoint"] = rule.rule, rule.endpoint
        if request.view_args:  # the object asked for: which posting, interest, user...
            fields["target"] = {
                key: ("[redacted]" if _SECRET_ARG.search(key) else value) for key, value in request.view_args.items()
            }
    else:
        fields["path"] = request.path[:MAX_PATH]
    return fields


def current_user_id() -> int | None:
    """The caller's id: the API token's owner, or the logged-in user of a page; None if anonymous."""
    if not has_request_context():
        return None
    token = g.get("api_token")
    if token is not None:
        return token.user_id
    try:
        from flask_login import current_user

        return current_user.id if current_user.is_authenticated else None
    except Exception:  # a log line must never break the request (e.g. the database is down)
        return None


def security_event(event: str, *, level: int | None = None, **fields: Any) -> None:
    """Log ``event`` with the request's ip, method, route and user id; explicit ``fields`` win.

    Give ``result="success" | "failure"`` (failures go out as WARNING) and ids, never secrets.
    """
    entry: dict[str, Any] = {"event": event}
    for key, value in fields.items():
        entry[f"{key}_" if key in _RECORD_ATTRS else key] = value
    for key, value in request_fields().items():
        entry.setdefault(key, value)
    if "user_id" not in entry:
        entry["user_id"] = current_user_id()
    if level is None:
        level = logging.WARNING if entry.get("result") == "failure" else logging.INFO
    security_log.log(level, "%s", event, extra=entry)


def access_refused(status: int) -> None:
    """LG-2: a 403 or 404 answered to a known user (a probe for someone else's object)."""
    user_id = current_user_id()
    if user_id is not None:
        security_event("access_refused", result="failure", status=status, user_id=user_id)


def _logged_out(_sender, user=None, **_extra) -> None:
    security_event("logout", result="success", user_id=getattr(user, "id", None))


# Paths whose last segment is a credential (mailed links): ``/password/reset/<token>``, ``/register/confirm/<token>``.
_SECRET_PATH = re.compile(r"(/password/reset/|/register/confirm/)[^\s?\"]+")


class SecretPathFilter(logging.Filter):
    """Writes ``…/reset/[redacted]`` instead of the token in access-log lines (werkzeug's dev server)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET_PATH.search(message):
            record.msg, record.args = _SECRET_PATH.sub(r"\1[redacted]", message), ()
        return True


_ACCESS_FILTER = SecretPathFilter()


def init_app(app: Flask) -> None:
    from flask_login import user_logged_out

    # The logout view, the idle-session expiry and account deletion all call logout_user().
    user_logged_out.connect(_logged_out)  # same function each time: connected once per process
    logging.getLogger("werkzeug").addFilter(_ACCESS_FILTER)  # one filter object: added once per process
    if app.config.get("LOG_JSON", True):
        install_json_handler(logging.getLogger("matchmaker"), logging.getLogger())
