"""The reminders of each session, planned from events and claimed under a lease to send.

One record per (session, offset). A reminder keeps the session's `sequence`: a newer snapshot
(a reschedule) moves it, an older one changes nothing, and a cancelled session's reminders are
`dropped` for good, whatever arrives later.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.domain.model import Reminder
from services.notify.domain.rules import reminder_due
from services.notify.store.times import ms
from shared.contracts.registration.events import SessionSnapshot
from shared.db import Document, IndexSpec

REMINDERS = "reminders"
PLANNED_MEMORY = 4096
INDEXES = [
    # `status` alone serves `claim_due` on the stand-in, which uses single-field indexes only.
    IndexSpec(REMINDERS, (("status", 1),)),
    IndexSpec(REMINDERS, (("status", 1), ("due_ms", 1))),
    IndexSpec(REMINDERS, (("session_id", 1),)),
]


class Reminders:
    """Plan, move, drop, claim and close reminders."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.reminders = db[REMINDERS]
        self._planned: dict[tuple[str, int, tuple[int, ...]], None] = {}
        """(session, sequence, offsets) this process has already planned: planning again
        is a no-op (same sequence), so every join need not repeat the writes."""

    async def plan(self, session: SessionSnapshot, offsets: Sequence[int]) -> None:
        """Store the session's reminders, or move them when this snapshot is newer."""
        done = (session.session_id, session.sequence, tuple(offsets))
        if done in self._planned:
            return
        snapshot = session.model_dump(mode="json")
        for offset in offsets:
            key = f"{session.session_id}|{offset}"
            plan = {"session_id": session.session_id, "offset": offset,
                    "due_ms": ms(reminder_due(session.starts_at, offset)),
                    "starts_ms": ms(session.starts_at), "sequence": session.sequence,
                    "session": snapshot, "status": "pending", "lease_until_ms": 0}
            await self.reminders.update_one(
                {"_id": key, "sequence": {"$lt": session.sequence}, "status": {"$ne": "dropped"}},
                {"$set": plan})
            # Concurrent upserts of one _id (several workers or replicas): the loser gets a
            # duplicate key (the stand-in does not retry it; MongoDB < 4.2 neither), and the
            # document it wanted exists: nothing left to do.
            with contextlib.suppress(DuplicateKeyError):
                await self.reminders.update_one({"_id": key}, {"$setOnInsert": plan},
                                                upsert=True)
        if len(self._planned) >= PLANNED_MEMORY:
            self._planned.clear()
        self._planned[done] = None

    async def drop(self, session_id: str, offsets: Sequence[int]) -> None:
        """A cancelled session is never reminded, whatever arrives later."""
        for offset in offsets:
            await self.reminders.update_one(
                {"_id": f"{session_id}|{offset}"},
                {"$set": {"status": "dropped", "session_id": session_id, "offset": offset,
                          "sequence": 1 << 30, "lease_until_ms": 0}}, upsert=True)

    async def claim_due(self, now: datetime, owner: str, lease: timedelta) -> Reminder | None:
        """Take one due reminder under a lease (exact under concurrency)."""
        record = await self.reminders.find_one_and_update(
            {"status": "pending", "due_ms": {"$lte": ms(now)},
             "lease_until_ms": {"$lte": ms(now)}},
            {"$set": {"lease_until_ms": ms(now + lease), "owner": owner}},
            sort=[("due_ms", ASCENDING)], return_document=ReturnDocument.AFTER)
        if record is None:
            return None
        return Reminder(id=record["_id"], session=SessionSnapshot.model_validate(record["session"]),
                        offset=record["offset"], sequence=record["sequence"],
                        owner=record["owner"])

    async def sent(self, reminder: Reminder) -> None:
        """Mark a claimed reminder done, unless a reschedule moved it meanwhile."""
        await self._close(reminder, "sent")

    async def skipped(self, reminder: Reminder) -> None:
        """Mark a claimed reminder skipped (too late), unless a reschedule moved it."""
        await self._close(reminder, "skipped")

    async def _close(self, reminder: Reminder, status: str) -> None:
        await self.reminders.update_one(
            {"_id": reminder.id, "owner": reminder.owner,
             "sequence": reminder.sequence, "status": "pending"},
            {"$set": {"status": status, "lease_until_ms": 0}})
