"""`flask backup` / `flask restore` round trip on the test database (SQLite, or PostgreSQL in CI)."""

import shutil

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Achievement, Need, Organization


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count(m.id))) for m in (Organization, Achievement, Need))


def test_backup_then_restore_gives_back_the_same_rows(app, runner, world, make, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    make.achievement(world["bj_org"], title="备份前的成果")
    make.need(world["hb_org"])
    before = _counts(app)
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    make.achievement(world["bj_org"], title="备份后新增的成果")
    assert _counts(app) != before
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    assert _counts(app) == before
    with app.app_context():
        titles = set(db.session.scalars(select(Achievement.title)))
        assert "备份前的成果" in titles and "备份后新增的成果" not in titles
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"


def test_restore_refuses_a_corrupt_file(app, runner, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite file check")
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code != 0
