"""Small rules about time that the session pages show: month filters and registration windows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from services.gateway.site.formatting import aware
from shared.contracts.registration.rpc import SessionView

Window = Literal["open", "not_yet", "closed", "started", "cancelled"]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_bounds(month: str) -> tuple[datetime, datetime] | None:
    """[first instant, first instant of the next month) of 'YYYY-MM' in UTC, or None."""
    match = _MONTH.match(month or "")
    if not match:
        return None
    year, number = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= number <= 12):
        return None
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def window(session: SessionView, now: datetime) -> Window:
    """Whether a person may register now, and if not, why (as the service decides it)."""
    if session.status == "cancelled":
        return "cancelled"
    if aware(session.starts_at) <= now:
        return "started"
    if session.registration_opens_at and now < aware(session.registration_opens_at):
        return "not_yet"
    if session.registration_closes_at and now >= aware(session.registration_closes_at):
        return "closed"
    return "open"
