"""The schema changes only through migrations: head matches the models, and downgrade works."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from matchmaker.app import create_app
from matchmaker.extensions import db


def test_upgraded_database_matches_models(app):
    # The session fixture built this database by running every migration from empty.
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_as_batch": True})
            assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_back(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with app.app_context():
        upgrade()
        assert {"organizations", "users", "achievements", "needs"} <= set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM achievements")).scalar() == 0
        db.engine.dispose()


def test_audit_triggers_come_and_go_with_their_revision(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name"
    with app.app_context():
        upgrade()
        assert db.session.execute(text(triggers)).scalars().all() == ["audit_log_no_delete", "audit_log_no_update"]
        downgrade(revision="0005")
        assert db.session.execute(text(triggers)).scalars().all() == []
        upgrade()
        assert len(db.session.execute(text(triggers)).scalars().all()) == 2
        db.session.remove()
        db.engine.dispose()


def test_sqlite_pragmas(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite-only settings; this run uses " + db.engine.dialect.name)
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
