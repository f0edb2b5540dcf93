"""String ids that sort by creation time (the stand-in cannot page on datetimes)."""

from __future__ import annotations

import secrets
from datetime import datetime


def new_id(prefix: str, now: datetime) -> str:
    """`<prefix><ms since epoch, 12 hex><10 random hex>`, e.g. `doc_019a...`."""
    return f"{prefix}{int(now.timestamp() * 1000):012x}{secrets.token_hex(5)}"
