"""The sessions notify knows, as the newest registration event described them: what a mail
sent later than any event about its session (the materials mail) says of the session.

One record per session: its snapshot without the join URL (a secret of each participant's
events), public data only, so the retention purge leaves it. Event order guard as in
`audience`: a record keeps the time of the event that last wrote it (`as_of`, epoch
microseconds), and an older event does not overwrite a newer one.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.store.times import stamp
from shared.contracts.registration.events import SessionSnapshot
from shared.db import Document, IndexSpec

SESSIONS = "sessions"
KEPT_MEMORY = 4096
INDEXES: list[IndexSpec] = []


class Sessions:
    """Keep and read the newest snapshot of each session."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.sessions = db[SESSIONS]
        self._kept: dict[tuple[str, int], None] = {}
        """(session, sequence) this process has kept from a participant event: every
        registration carries the session, and a burst need not write it each time."""

    async def keep(self, session: SessionSnapshot, as_of: datetime) -> None:
        """Keep this snapshot unless a newer event already described the session."""
        public = session.model_copy(update={"join_url": None}).model_dump(mode="json")
        # Concurrent upserts of one _id: the loser's duplicate key means a record exists,
        # newer or written at the same time; nothing left to do.
        with contextlib.suppress(DuplicateKeyError):
            await self.sessions.update_one(
                {"_id": session.session_id, "as_of": {"$lte": stamp(as_of)}},
                {"$set": {"session": public, "as_of": stamp(as_of)}}, upsert=True)

    async def keep_once(self, session: SessionSnapshot, as_of: datetime) -> None:
        """`keep`, at most once per session and sequence in this process (participant
        events); session events, which change texts at the same sequence, call `keep`."""
        done = (session.session_id, session.sequence)
        if done in self._kept:
            return
        await self.keep(session, as_of)
        if len(self._kept) >= KEPT_MEMORY:
            self._kept.clear()
        self._kept[done] = None

    async def get(self, session_id: str) -> SessionSnapshot | None:
        """The newest snapshot kept of a session, if any."""
        record = await self.sessions.find_one({"_id": session_id})
        return None if record is None else SessionSnapshot.model_validate(record["session"])
