"""HTTP response hardening: security headers on every response, no caching of private pages."""

from __future__ import annotations

from flask import Flask, request, session

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PUBLIC_CACHEABLE = ("/static/",)
# Pages whose URL carries a secret (the mailed password-reset and confirmation links): never cached,
# never sent as Referer, never written whole to an access log (``logs``).
SECRET_URLS = ("/password/reset/", "/register/confirm/")


def init_app(app: Flask) -> None:
    @app.after_request
    def harden(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(SECRET_URLS):
            headers["Referrer-Policy"] = "no-referrer"
        # A signed-in session, read from the cookie: asking current_user would load the user from the
        # database, which may be the very thing that failed (then this hook would turn the app's 503
        # page into the WSGI server's bare 500).
        signed_in = bool(session.get("_user_id"))
        private = (
            signed_in
            or response.status_code >= 500
            or request.path.startswith(("/admin", "/me", "/interests", "/api", *SECRET_URLS))
        )
        if private and not request.path.startswith(PUBLIC_CACHEABLE):
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Vary", "Cookie")
        return response
