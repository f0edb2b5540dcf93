"""The secretariat's mail about sessions: one record per message and per announcement, each
carrying the events that mail it in its own outbox (one insert: the record and its events are
written together, or neither is).

A record keeps counts and texts, never an address: the recipients travel only in the outbox
entries, which the relay removes once published. Its `_id` is the message's stable id (or
`announcement:<session>`), so a second insert of the same one fails and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from pymongo import DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.registration.store.base import REGISTRATIONS
from shared.db import Document, IndexSpec
from shared.outbox import with_pending_marker

MAILINGS = "session_mailings"
INDEXES = [IndexSpec(MAILINGS, (("session_id", 1), ("kind", 1), ("created_at", -1)))]
RECIPIENT_FIELDS = {"name": 1, "email": 1, "preferred_language": 1, "status": 1}


class Mailings:
    """Messages and announcements of sessions, and the registrants a message reaches."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.mailings, self.registrations = db[MAILINGS], db[REGISTRATIONS]

    async def registrants(self, session_id: str, statuses: Sequence[str]) -> list[Document]:
        """The session's registrations of these statuses, in id order (names and addresses
        only: what the mail needs)."""
        return await self.registrations.find(
            {"session_id": session_id, "status": {"$in": list(statuses)}},
            RECIPIENT_FIELDS).sort("_id", 1).to_list()

    async def insert_once(self, document: Document) -> bool:
        """Insert a record with its events; False if one with its id exists already."""
        try:
            await self.mailings.insert_one(with_pending_marker(document))
        except DuplicateKeyError:
            return False
        return True

    async def get(self, key: str) -> Document | None:
        """One record, without its pending events."""
        return await self.mailings.find_one({"_id": key}, {"outbox": 0})

    async def messages_of(self, session_id: str) -> list[Document]:
        """A session's messages, newest first."""
        return await self.mailings.find(
            {"session_id": session_id, "kind": "message"}, {"outbox": 0}
        ).sort("created_at", DESCENDING).to_list()
