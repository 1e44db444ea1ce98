"""Online backup and restore of the whole database: SQLite's backup API, or pg_dump/pg_restore.

A SQLite backup is a consistent copy taken while the app runs (WAL-safe). A restore replaces the
database content; stop the app (or its writers) while restoring.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from matchmaker.extensions import db


class BackupError(Exception):
    pass


def _sqlite_path() -> str:
    return make_url(str(db.engine.url)).database


def _pg_url() -> str:
    url = db.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def backup(target: Path) -> None:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("integrity_check of the backup failed")
        finally:
            copy.close()
            source.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_url()])


def restore(source: Path) -> None:
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        backup_db = sqlite3.connect(str(source))
        if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            backup_db.close()
            raise BackupError("the backup file fails integrity_check")
        live = sqlite3.connect(_sqlite_path())
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", f"--dbname={_pg_url()}", str(source)]
    )


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed")
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{command[0]} failed")
