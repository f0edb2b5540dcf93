"""Session documents: creating, reading, changing and finding them (the ledger: ledger.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.registration.store.base import SUMMARY, Collections, stored
from services.registration.store.session_filters import feed_search, held_search, session_search
from shared.contracts.registration.rpc import FeedQuery, SessionQuery
from shared.db import Document
from shared.ids import id_floor
from shared.outbox import push_to_outbox, with_pending_marker


class SessionDocuments(Collections):
    """The `sessions` collection."""

    async def insert_session(self, document: Document) -> None:
        await self.sessions.insert_one(with_pending_marker(document))

    async def insert_session_once(self, document: Document) -> bool:
        """Insert unless a session with its id exists (an announcement's id is derived from
        its source, so two deliveries at once race for it); whether it was inserted."""
        try:
            await self.sessions.insert_one(with_pending_marker(document))
        except DuplicateKeyError:
            return False
        return True

    async def session(self, session_id: str, *, with_outbox: bool = False) -> Document | None:
        """A session; without its pending events unless asked (a whole-document replace
        must carry them over)."""
        return await self.sessions.find_one({"_id": session_id},
                                            None if with_outbox else {"outbox": 0})

    async def session_summary(self, session_id: str) -> Document | None:
        """A session without its ledger's id lists (`SUMMARY`)."""
        return self._remember(await self.sessions.find_one({"_id": session_id}, SUMMARY))

    async def replace_session(self, session_id: str, rev: int, document: Document) -> bool:
        """Replace the whole session if no ledger change happened since it was read at `rev`.

        Used for edits that set datetimes: the embedded stand-in stores a datetime given to
        `$set` as a string, but keeps it a datetime in a whole-document write.
        """
        return await self.sessions.find_one_and_replace(
            {"_id": session_id, "rev": rev}, with_pending_marker(document)) is not None

    async def change_status(self, session_id: str, from_status: str, changes: dict[str, Any],
                            events: Sequence[Document]) -> bool:
        """Set `changes` (a new status) with its events if the session is still in
        `from_status`; whether it was."""
        update: dict[str, Any] = {"$set": stored(changes), "$inc": {"rev": 1}}
        if events:
            update = push_to_outbox(update, events)
        found = await self.sessions.update_one({"_id": session_id, "status": from_status},
                                               update)
        return found.matched_count == 1

    async def note_participants_cancelled(self, session_id: str) -> None:
        """Every registration of the cancelled session has been cancelled."""
        await self.sessions.update_one({"_id": session_id},
                                       {"$set": {"participants_due": None}})

    async def note_no_shows_marked(self, session_id: str) -> None:
        """The no-shows of the ended session have been marked."""
        await self.sessions.update_one({"_id": session_id},
                                       {"$set": {"no_shows_marked": True}})

    async def session_page(self, query: SessionQuery) -> list[Document]:
        """One page of a session list (`query.after`: the position it resumes after),
        without their pending events."""
        found, sort = session_search(query)
        return await self.sessions.find(found, {"outbox": 0}).sort(sort) \
            .limit(query.limit).to_list()

    async def upcoming(self, query: FeedQuery, now: datetime, limit: int) -> list[Document]:
        """Published public sessions matching `query` that have not ended, soonest first."""
        found, sort = feed_search(query, now)
        return await self.sessions.find(found, {"outbox": 0}).sort(sort).limit(limit).to_list()

    async def running_sessions(self, now: datetime) -> list[Document]:
        """Published sessions that have not ended: their ledgers still move."""
        return await self.sessions.find(
            {"status": "published", "ends_at": {"$gt": now}}).to_list()

    async def ended_without_no_shows(self, now: datetime) -> list[Document]:
        """Published sessions that ended, whose no-shows are still to be marked."""
        return await self.sessions.find(
            {"status": "published", "ends_at": {"$lt": now}, "no_shows_marked": False}
        ).to_list()

    async def sessions_to_anonymize(self, moment: datetime) -> list[Document]:
        """Ids of sessions that ended before `moment` whose registrations may still hold
        personal data: those not yet noted done, so each sweep reads only the few that are
        new rather than every registration of every past session. (`None`: the marker is
        absent until set; the stand-in answers a range with `$ne` wrongly, with nothing.)"""
        return await self.sessions.find(
            {"ends_at": {"$lt": moment}, "personal_data_erased": None},
            {"_id": 1}).to_list()

    async def note_personal_data_erased(self, session_id: str) -> None:
        """Every registration of the ended session is anonymized."""
        await self.sessions.update_one({"_id": session_id},
                                       {"$set": {"personal_data_erased": True}})

    async def sessions_held(self, now: datetime, session_id: str | None = None,
                            starts_from: datetime | None = None,
                            starts_to: datetime | None = None) -> list[Document]:
        """Published sessions that ended, maybe only one, maybe starting in a range."""
        return await self.sessions.find(
            held_search(now, session_id, starts_from, starts_to)).to_list()

    async def session_cancellations_due(self, before: datetime) -> list[Document]:
        """Cancelled sessions whose participants were due to be cancelled before `before`."""
        return await self.sessions.find(
            {"status": "cancelled", "participants_due": {"$lt": id_floor(before)}},
            {"outbox": 0}).to_list()
