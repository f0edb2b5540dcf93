"""The one id generator of every service: ids that sort by creation time as strings.

`<prefix><milliseconds since the epoch, 12 hex digits><random hex>`. Pages and sweeps position
on these ids, never on datetimes (the embedded MongoDB stand-in compares datetimes in queries
to the whole second), and a prefix says what an id names where one is shown (`doc_...`).
"""

from __future__ import annotations

import secrets
from datetime import datetime

RANDOM_BYTES = 5
"""40 random bits per millisecond: a collision needs about a million ids in one millisecond."""


def new_id(now: datetime, prefix: str = "") -> str:
    """A fresh id created at `now`."""
    return f"{id_floor(now, prefix)}{secrets.token_hex(RANDOM_BYTES)}"


def id_floor(moment: datetime, prefix: str = "") -> str:
    """The smallest id created at `moment`: ids of earlier documents sort below it."""
    return f"{prefix}{int(moment.timestamp() * 1000):012x}"
