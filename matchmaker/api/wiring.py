"""The API's hooks: no session under /api/ (``create_app`` wraps the app's session interface in
``SessionGuard``), nobody logged in by cookie, and answers that are not cached."""

from __future__ import annotations

from flask import g, request

from matchmaker.api import errors


class SessionGuard:
    """Wraps the app's session interface: API requests get no session at all.

    Nothing is read from the session cookie (so a logged-in browser is anonymous to the API and
    CSRF has nothing to protect) and nothing is written back (no Set-Cookie on API answers).
    """

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request_):
        if errors.is_api_path(request_.path):
            return self.inner.make_null_session(app)
        return self.inner.open_session(app, request_)

    def save_session(self, app, session, response):
        return self.inner.save_session(app, session, response)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)


def anonymous_login_user() -> None:
    """Flask-Login's user for the request is settled before anything asks: nobody.

    Without this, a template or helper touching ``current_user`` would load a user from the
    remember-me cookie; the API's caller is the token's owner (``api.auth``), never the cookie's.
    """
    from matchmaker.extensions import login_manager

    g._login_user = login_manager.anonymous_user()


def no_store(response):
    if "Authorization" in request.headers:
        response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Authorization", "Accept-Language"))
    return response
