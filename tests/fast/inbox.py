"""The record of applied events, in memory, for the fast tier (shared.inbox.AppliedEvents)."""

from __future__ import annotations

from datetime import datetime


class MemoryInbox:
    """What `shared.inbox.Inbox` keeps in MongoDB: (consumer, event id) pairs, each once."""

    def __init__(self) -> None:
        self.records: dict[tuple[str, str], datetime] = {}

    async def applied(self, consumer: str, event_id: str) -> bool:
        return (consumer, event_id) in self.records

    async def record(self, consumer: str, event_id: str, now: datetime) -> bool:
        if (consumer, event_id) in self.records:
            return False
        self.records[(consumer, event_id)] = now
        return True
