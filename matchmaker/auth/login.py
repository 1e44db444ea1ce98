"""Flask-Login for the site: who the session's user is, where to log in, and when a session ends.

``init_app`` is called by ``create_app`` after CSRF and the rate limiter are bound, so their checks
still come before the session expiry, as when the expiry hook was registered with the auth blueprint.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from matchmaker.extensions import login_manager
from matchmaker.services import accounts


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.localize_callback = lambda _message: _("Please log in to continue.")
    login_manager.user_loader(accounts.load_user)
    app.before_request(expire_idle_sessions)


def clear_session() -> None:
    """Forget everything the browser's session holds except the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def expire_idle_sessions():
    """Log out after SESSION_IDLE_MINUTES without a request, or SESSION_MAX_HOURS after login."""
    if request.path.startswith(("/static/", "/api/")) or not current_user.is_authenticated:
        return None
    now, cfg = int(time.time()), current_app.config
    seen, since = session.get("seen", now), session.get("since", now)
    if now - seen > cfg["SESSION_IDLE_MINUTES"] * 60 or now - since > cfg["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        clear_session()
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["seen"] = now
    session.setdefault("since", now)
    return None
