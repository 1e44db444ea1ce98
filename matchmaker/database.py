"""Database wiring: Flask-SQLAlchemy plus the SQLite settings that make several workers safe.

WAL lets readers and one writer work at once, the busy timeout makes a writer wait instead of
failing with "database is locked", and foreign keys are off by default in SQLite per connection.
"""

from __future__ import annotations

import json
import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from matchmaker.extensions import db

BUSY_TIMEOUT_MS = 15000

log = logging.getLogger(__name__)


def init_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    # Keep Chinese readable in JSON columns (keywords), so LIKE search and exports see the text.
    options["json_serializer"] = lambda value: json.dumps(value, ensure_ascii=False)
    if uri.startswith("sqlite"):
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": BUSY_TIMEOUT_MS / 1000}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not event.contains(Engine, "connect", _sqlite_pragmas):  # every engine's, once per process
        event.listen(Engine, "connect", _sqlite_pragmas)
    db.init_app(app)
    app.teardown_appcontext(_end_session)  # runs before Flask-SQLAlchemy's (last registered, first run)
    # Import the models so the metadata is complete for migrations and create_all.
    import matchmaker.models  # noqa: F401


def _end_session(_error: BaseException | None) -> None:
    """Close the request's session; a database that went away mid-request must not fail the answer.

    Closing rolls back on the connection. If the server was shut down while the request ran, that
    rollback raises, and from a teardown it would replace the page already rendered with the WSGI
    server's bare 500. The dead connection is discarded instead (``pool_pre_ping`` and the pool
    replace it); Flask-SQLAlchemy's own teardown then finds no session left to close.
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("Database connection lost while closing the session: %s", error.orig)
        db.session.registry.clear()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
