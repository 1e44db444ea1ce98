"""Database wiring: Flask-SQLAlchemy plus the SQLite settings that make several workers safe.

WAL lets readers and one writer work at once, the busy timeout makes a writer wait instead of
failing with "database is locked", and foreign keys are off by default in SQLite per connection.
"""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from matchmaker.extensions import db

BUSY_TIMEOUT_MS = 15000


def init_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    # Keep Chinese readable in JSON columns (keywords), so LIKE search and exports see the text.
    options["json_serializer"] = lambda value: json.dumps(value, ensure_ascii=False)
    if uri.startswith("sqlite"):
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": BUSY_TIMEOUT_MS / 1000}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    # Import the models so the metadata is complete for migrations and create_all.
    import matchmaker.models  # noqa: F401


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
