"""Ids that sort by creation time as strings: 12 hex digits of milliseconds, 8 random.

Pages and sweeps position on these ids, never on datetimes (the embedded MongoDB stand-in
compares datetimes in queries to the whole second).
"""

from __future__ import annotations

import secrets
from datetime import datetime


def new_id(now: datetime) -> str:
    """A fresh id created at `now`."""
    return f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(4)}"


def id_floor(moment: datetime) -> str:
    """The smallest id created at `moment` (ids of earlier documents sort below it)."""
    return f"{int(moment.timestamp() * 1000):012x}"
