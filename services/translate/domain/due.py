"""When a job is due: pure rules over session start times (no I/O).

A document linked to a session is due a margin before the session starts, but never later
than an ordinary document would be; a session we know nothing of (or that was cancelled)
keeps the fixed fallback for session documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class SessionTime:
    """What translate keeps of a session: when it starts, and how new that knowledge is."""

    session_id: str
    starts_ms: int
    sequence: int
    cancelled: bool = False

    @property
    def order(self) -> int:
        """Sorts the events of one session: a later sequence wins, and at the same sequence a
        cancellation wins over the publication or reschedule it follows."""
        return self.sequence * 2 + (1 if self.cancelled else 0)

    @property
    def starts_at(self) -> datetime:
        return datetime.fromtimestamp(self.starts_ms / 1000, UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch; a naive time is taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


def session_due(session: SessionTime, created_at: datetime, margin: timedelta,
                latest: timedelta) -> datetime:
    """A margin before the session starts, never later than `latest` after the job was made."""
    return min(session.starts_at - margin, created_at + latest)


def due_date(session: SessionTime | None, created_at: datetime, margin: timedelta,
             latest: timedelta, fallback: timedelta) -> datetime:
    """The due date of a new session-linked job: from the session if it is known and live,
    else the fixed fallback."""
    if session is None or session.cancelled:
        return created_at + fallback
    return session_due(session, created_at, margin, latest)
