"""Error pages: every failure answers with a page in the reader's language, never a stack trace."""

from __future__ import annotations

import logging
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from matchmaker import logs
from matchmaker.services.errors import DomainError

CONTROL = re.compile(r"[\x00-\x1f\x7f]")

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you entered and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to do this.")),
    404: (_l("Not found"), _l("The page or posting does not exist, or is not visible to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (
        _l("Changed in the meantime"),
        _l("This was changed a moment ago, perhaps by a colleague. Reload the page and look again."),
    ),
    413: (_l("Too large"), _l("What you sent is larger than the platform accepts (1 MB).")),
    429: (_l("Too many requests"), _l("Please wait a moment before trying again.")),
    500: (
        _l("Something went wrong"),
        _l("The platform hit an unexpected error. Nothing was saved. Please try again later."),
    ),
    503: (_l("Temporarily unavailable"), _l("The platform is briefly unavailable. Please try again in a minute.")),
}


def render_error(code: int, detail: str | None = None, incident: str | None = None, plain: bool = False):
    """The error page; ``plain`` renders one that needs no database (no user, no notifications)."""
    title, message = MESSAGES.get(code, MESSAGES[500])
    context = {"code": code, "title": title, "message": detail or message, "incident": incident, "back": _back()}
    if plain or code >= 500:
        # Straight from the Jinja environment: Flask's render_template runs the context processors,
        # and Flask-Login's loads the user from the database, the very thing that may be down.
        return current_app.jinja_env.get_template("errors/plain.html").render(context), code
    return render_template("errors/error.html", **context), code


def _back() -> str | None:
    """The page the reader came from on this site (for a "back" link), or None."""
    referrer = request.referrer if has_request_context() else None
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or parts.scheme not in ("http", "https") or CONTROL.search(referrer):
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


def refusal(error: DomainError):
    """A service's refusal on a page, or None when the caller shows it as a message where it was.

    403/404 answer the plain page (no detail: whether something exists is not revealed); 409 (the
    state changed meanwhile, e.g. a colleague answered first) and 429 (a budget is spent) answer a
    page with the reason, the status and a link back.
    """
    if error.status in (403, 404):
        abort(error.status)
    if error.status in (409, 429):
        return (*render_error(error.status, str(error)), getattr(error, "headers", {}))
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        logs.security_event("csrf_refused", result="failure", reason=error.description)
        return render_error(
            400, str(_l("The form expired or was not sent from this site. Please reload the page and try again."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code in (403, 404):
            logs.access_refused(code)
        response = render_error(code if code in MESSAGES else 400)
        if code not in MESSAGES:
            return response[0], code
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        from matchmaker.extensions import db

        try:
            db.session.rollback()
        except DBAPIError:  # the database itself is gone: nothing to roll back
            pass
        incident = secrets.token_hex(4)
        if isinstance(error, OperationalError):
            log.error(
                "Database unavailable, incident %s: %s",
                incident,
                error.orig,
                extra={"incident": incident, **logs.request_fields()},
            )
            return render_error(503, incident=incident)
        log.exception("Unhandled error, incident %s", incident, extra={"incident": incident, **logs.request_fields()})
        return render_error(500, incident=incident)
