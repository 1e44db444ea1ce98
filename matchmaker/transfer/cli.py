"""`flask pool import FILE` and `flask pool export` (filled in by the import/export work)."""

from matchmaker.cli import pool_cli  # noqa: F401
