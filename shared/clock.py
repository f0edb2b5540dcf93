"""The one clock type of every service: a function that tells the time, in UTC.

Handlers take a `Clock` (or the `now` it gave) instead of reading the system time, so tests
move time by passing another function.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real time, in UTC: the default `Clock`."""
    return datetime.now(UTC)
