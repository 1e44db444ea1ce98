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

from typing import Any, Iterable

from sqlalchemy import update
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
    result = db.session.execute(
        update(model).where(*conditions).values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(message)
    for name, value in values.items():
        set_committed_value(obj, name, value)
