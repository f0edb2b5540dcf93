"""Who takes part in each session, and the session's reminders, kept from events alone.

Times that queries compare are epoch milliseconds (see `store.ms`). Event order guards: a
recipient record keeps the time of the event that last changed it (`as_of`, epoch
microseconds), and an older event does not overwrite a newer one. Reminders keep the session's
`sequence`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.domain.rules import reminder_due
from services.notify.store import ms
from shared.contracts.registration import SessionSnapshot
from shared.db import Document, IndexSpec

RECIPIENTS, REMINDERS = "recipients", "reminders"
PLANNED_MEMORY = 4096
INDEXES = [
    IndexSpec(RECIPIENTS, (("session_id", 1), ("active", 1))),
    IndexSpec(RECIPIENTS, (("ends_ms", 1),)),  # the retention purge
    IndexSpec(REMINDERS, (("status", 1), ("due_ms", 1))),
    IndexSpec(REMINDERS, (("session_id", 1),)),
]


def stamp(moment: datetime) -> int:
    """Event times as epoch microseconds: the stand-in's range queries on ISO-like strings
    (with an offset) match nothing, and on datetimes only to the second."""
    return round(moment.timestamp() * 1_000_000)


class Audience:
    """Recipients per session and reminders per session."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.recipients, self.reminders = db[RECIPIENTS], db[REMINDERS]
        self._planned: dict[tuple[str, int, tuple[int, ...]], None] = {}
        """(session, sequence, offsets) this process has already planned: planning again
        is a no-op (same sequence), so every join need not repeat the writes."""

    async def set_recipient(self, session: SessionSnapshot, registration_id: str,
                            as_of: datetime, fields: dict[str, Any]) -> bool:
        """Create or change a recipient unless a newer event already did; False if stale.

        The session's end (`ends_ms`) rides along: the retention purge forgets a session's
        audience (names, addresses) that long after it ended."""
        session_id = session.session_id
        key, at = f"{session_id}|{registration_id}", stamp(as_of)
        try:
            await self.recipients.update_one(
                {"_id": key, "as_of": {"$lte": at}},
                {"$set": {**fields, "session_id": session_id, "registration_id": registration_id,
                          "as_of": at, "ends_ms": ms(session.ends_at)}}, upsert=True)
        except DuplicateKeyError:  # the record exists with a newer `as_of`
            return False
        return True

    async def session_recipients(self, session_id: str, include_left_by: str | None = None
                                 ) -> list[Document]:
        """Active recipients of a session (and those who left for `include_left_by`)."""
        either: list[Document] = [{"active": True}]
        if include_left_by:
            either.append({"left_by": include_left_by})
        return await self.recipients.find(
            {"session_id": session_id, "email": {"$exists": True}, "$or": either}
        ).sort("_id", ASCENDING).to_list()

    async def plan_reminders(self, session: SessionSnapshot, offsets: Sequence[int]) -> None:
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

    async def session_moved(self, session: SessionSnapshot) -> None:
        """Keep the audience's `ends_ms` with a rescheduled session."""
        await self.recipients.update_many({"session_id": session.session_id},
                                          {"$set": {"ends_ms": ms(session.ends_at)}})

    async def forget_sessions_ended_before(self, cutoff: datetime) -> int:
        """Delete the audience of sessions that ended before `cutoff`; how many people.

        Reminders and session mails need it only until the session is over; it holds
        names and addresses, which the retention period bounds."""
        result = await self.recipients.delete_many({"ends_ms": {"$lt": ms(cutoff)}})
        return result.deleted_count

    async def drop_reminders(self, session_id: str, offsets: Sequence[int]) -> None:
        """A cancelled session is never reminded, whatever arrives later."""
        for offset in offsets:
            await self.reminders.update_one(
                {"_id": f"{session_id}|{offset}"},
                {"$set": {"status": "dropped", "session_id": session_id, "offset": offset,
                          "sequence": 1 << 30, "lease_until_ms": 0}}, upsert=True)

    async def claim_reminder(self, now: datetime, owner: str, lease: timedelta
                             ) -> Document | None:
        """Take one due reminder under a lease (exact under concurrency)."""
        return await self.reminders.find_one_and_update(
            {"status": "pending", "due_ms": {"$lte": ms(now)},
             "lease_until_ms": {"$lte": ms(now)}},
            {"$set": {"lease_until_ms": ms(now + lease), "owner": owner}},
            sort=[("due_ms", ASCENDING)], return_document=ReturnDocument.AFTER)

    async def close_reminder(self, reminder: Document, status: str) -> None:
        """Mark a claimed reminder done or skipped, unless a reschedule moved it meanwhile."""
        await self.reminders.update_one(
            {"_id": reminder["_id"], "owner": reminder["owner"],
             "sequence": reminder["sequence"], "status": "pending"},
            {"$set": {"status": status, "lease_until_ms": 0}})

    async def reminder(self, session_id: str, offset: int) -> Document | None:
        """One reminder (for tests and the secretariat)."""
        return await self.reminders.find_one({"_id": f"{session_id}|{offset}"})
