"""HTTP response hardening: security headers on every response, no caching of private pages."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

CSP = "; ".join([
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
])
PUBLIC_CACHEABLE = ("/static/",)
# Pages whose URL carries a secret (the mailed password-reset link): never cached, never sent as Referer.
SECRET_URLS = ("/password/reset/",)


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
        private = current_user.is_authenticated or request.path.startswith(("/admin", "/me", "/interests", "/api", *SECRET_URLS))
        if private and not request.path.startswith(PUBLIC_CACHEABLE):
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Vary", "Cookie")
        return response
