"""Column helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, naive (stored as such on both databases); called per row, never at import."""
    return datetime.now(UTC).replace(tzinfo=None)
