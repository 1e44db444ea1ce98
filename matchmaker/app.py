"""The application factory: every piece of wiring is one line of ``create_app``, in the order it runs.

Nothing is registered by importing a module: blueprints, hooks, error handlers, the session
interface, SQLAlchemy listeners and ``flask`` commands are all added here (a test checks them).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from matchmaker import cli, errors, i18n, logs, security, templating
from matchmaker.api import errors as api_errors
from matchmaker.api import openapi
from matchmaker.api.wiring import SessionGuard
from matchmaker.auth import login
from matchmaker.config import load_config
from matchmaker.converters import IdConverter
from matchmaker.database import init_database
from matchmaker.extensions import csrf, db, limiter, migrate
from matchmaker.services import audit, mailer, match_index

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app for ``config_name`` (development | production | testing)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    load_config(app, config_name, overrides)
    trust_proxies(app)
    logs.init_app(app)

    # Extensions (Flask-Login's hooks after CSRF's and the limiter's: their checks come first).
    init_database(app)  # Flask-SQLAlchemy, and SQLite's pragmas on every new connection
    migrate.init_app(app, db, render_as_batch=True, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login.init_app(app)  # user loader, login page and message, idle and absolute session expiry
    i18n.init_app(app)
    templating.init_app(app)

    # SQLAlchemy session listeners: process-wide, attached once however many apps are built.
    mailer.listen()  # queued e-mails are sent when their transaction commits, dropped on rollback
    match_index.listen()  # commits are counted: a request catches the index up after its own writes
    audit.listen()  # audit rows are append-only: an ORM update or delete of one fails

    # Every answer: the API's framework (flask-smorest, its OpenAPI document), errors, headers, sessions.
    api = openapi.init_app(app)  # first: it installs a JSON handler for every HTTP error, which the next two replace
    errors.init_app(app)  # the site's error pages
    api_errors.install(app)  # JSON errors under /api/; after the site's handlers, which it defers to elsewhere
    security.init_app(app)  # security headers, no-store for private pages
    app.session_interface = SessionGuard(app.session_interface)  # requests under /api/ get no session

    # Ids in paths are bounded (a 20-digit id would overflow SQLite: a 500, not a 404).
    app.url_map.converters["int"] = app.url_map.converters["id"] = IdConverter
    register_blueprints(app, api)
    register_commands(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_FIX_X_FOR`` proxies, take the client's address and scheme from their headers.

    ``request.remote_addr`` then is the address the nearest trusted proxy saw, so the rate limits
    (keyed on it) and the logs' ``ip`` count clients, not the proxy; without proxies (0) a client's
    own X-Forwarded-For is ignored. The host is never taken from a header (``PUBLIC_URL`` is for links).
    """
    hops = app.config.get("PROXY_FIX_X_FOR", 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)


def register_blueprints(app: Flask, api: openapi.PoolApi) -> None:
    from matchmaker.account.views import bp as account_bp
    from matchmaker.admin import bp as admin_bp
    from matchmaker.api import bp as api_bp
    from matchmaker.api.ui import ui_bp as api_tokens_bp
    from matchmaker.auth.views import bp as auth_bp
    from matchmaker.challenges import bp as challenges_bp
    from matchmaker.interests.views import bp as interests_bp
    from matchmaker.main.views import bp as main_bp
    from matchmaker.members.views import bp as members_bp
    from matchmaker.notifications.views import bp as notifications_bp
    from matchmaker.postings.views import bp as postings_bp
    from matchmaker.suggestions.views import bp as suggestions_bp
    from matchmaker.transfer import bp as transfer_bp

    csrf.exempt(api_bp)  # API callers authenticate with a bearer token, never with the cookie CSRF protects
    api.register_blueprint(api_bp)  # its routes, and their entries in the OpenAPI document
    for blueprint in (
        main_bp,
        auth_bp,
        postings_bp,
        interests_bp,
        suggestions_bp,
        notifications_bp,
        admin_bp,
        api_tokens_bp,
        transfer_bp,
        account_bp,
        members_bp,
        challenges_bp,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    """``flask backup|restore|seed|users|matching|pool`` (``pool`` also holds import, export and stats)."""
    for command in (
        cli.backup_command,
        cli.restore_command,
        cli.seed_cli,
        cli.users_cli,
        cli.matching_cli,
        cli.pool_cli,
    ):
        app.cli.add_command(command)
