"""How notify stores the times its queries compare: as numbers, not datetimes.

The embedded stand-in turns a datetime written by `$set` into a string (then no date query
matches it), compares datetimes only to the whole second, and matches no range query on
ISO-like strings with an offset. So times that queries compare are epoch milliseconds, and
event times that order changes are epoch microseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime


def ms(moment: datetime) -> int:
    """Epoch milliseconds."""
    return int(moment.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    """The datetime of epoch milliseconds."""
    return None if value is None else datetime.fromtimestamp(value / 1000, UTC)


def stamp(moment: datetime) -> int:
    """Epoch microseconds, for event times that decide which change is newer."""
    return round(moment.timestamp() * 1_000_000)
