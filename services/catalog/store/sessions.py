"""How the catalog's copy of registration's sessions sits in MongoDB (`sessions`)."""

from __future__ import annotations

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.db import Document, IndexSpec

SESSIONS = "sessions"


class SessionStore:
    """One document per session, replaced only by news newer than what it holds."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.sessions = db[SESSIONS]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Looked up by `_id` only."""
        return []

    async def keep(self, copy: Document) -> bool:
        """Keep `copy` unless a newer one (a higher `order`) is kept already; False then.

        Insert first, then replace conditionally: an upsert under the `order` condition would
        try to insert a second document with the same `_id` when the kept one is newer."""
        try:
            await self.sessions.insert_one(copy)
            return True
        except DuplicateKeyError:
            fields = {k: v for k, v in copy.items() if k != "_id"}
            result = await self.sessions.update_one(
                {"_id": copy["_id"], "order": {"$lt": copy["order"]}}, {"$set": fields})
            return result.matched_count == 1

    async def get(self, session_id: str) -> Document | None:
        """The copy of a session, or None if no event about it arrived."""
        return await self.sessions.find_one({"_id": session_id})
