"""State changes as conditional updates: of several requests racing for one change, exactly one wins.

A check-then-write (read ``status``, then assign it) lets two gunicorn workers both pass the check:
two accepts and a decline of one interest all answered 200 and left it declined with its contacts
shared. ``advance`` writes the change as ``UPDATE … WHERE id = :id AND <column> = :what_was_read``
instead. The database serialises the writers (SQLite's write lock; PostgreSQL re-checks the WHERE
on the row a concurrent transaction just committed), so the first writer changes one row and every
later one changes none: it gets ``Conflict`` (409) and its transaction is rolled back, before any
history event, notification or e-mail of the change was added. Callers therefore call ``advance``
first and record the consequences after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.orm.attributes import set_committed_value

from matchmaker.extensions import db
from matchmaker.services.errors import Conflict


def advance(obj: Any, expected: dict[str, Any], values: dict[str, Any], message: str, where: Iterable = ()) -> None:
    """Set ``values`` on ``obj``'s row if its columns still hold ``expected``; else ``Conflict(message)``.

    ``expected`` normally holds what the caller read a moment ago (``{"status": interest.status}``);
    ``None`` means the column must be NULL. ``where`` adds SQL conditions evaluated in the same
    statement (e.g. "another admin remains"). On success the in-memory ``obj`` carries the new values.
    """
    model = type(obj)
    conditions = [model.id == obj.id, *where]
    for name, value in expected.items():
        column = getattr(model, name)
        conditions.append(column.is_(None) if value is None else column == value)
    values = values or {"id": model.id}  # nothing to set: a check that the row still holds ``expected``
    result = db.session.execute(
        update(model).where(*conditions).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(message)
    for name, value in values.items():
        if name != "id":
            set_committed_value(obj, name, value)


def lock(model, *ids: int) -> None:
    """Hold the rows of ``ids`` for the rest of the transaction, in id order (so two transactions that
    lock the same rows never deadlock), before reading anything a decision depends on.

    Written as a no-op UPDATE, which both databases treat as a write: PostgreSQL locks the rows, SQLite
    takes its database write lock; a concurrent transaction doing the same waits here, then reads what
    the first one committed.
    """
    for row_id in sorted(set(ids)):
        db.session.execute(
            update(model).where(model.id == row_id).values(id=model.id).execution_options(synchronize_session=False)
        )


def lock_admins() -> None:
    """Serialise every change that could leave the pool without a usable administrator (role changes,
    deactivations, suspensions, account deletions): a transaction-scoped advisory lock on PostgreSQL;
    on SQLite the conditional UPDATE itself takes the database write lock before it reads."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7242001)"))
