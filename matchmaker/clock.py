"""The day the platform counts in: Beijing's calendar day, whatever the server's time zone.

A deadline, a signing date or "not in the future" means a day in China (UTC+8, no daylight saving),
so a UTC server between 00:00 and 08:00 Beijing time must not count yesterday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))


def today() -> date:
    """Today in Beijing."""
    return datetime.now(BEIJING).date()


def day_of(moment: datetime) -> date:
    """The Beijing day of a naive UTC datetime, as the database keeps them."""
    return (moment + timedelta(hours=8)).date()
