"""Gathering documents (the API's events), in their own collection, and the queries over the
sessions and registrations of their parts.

A gathering is edited by whole-document replace guarded by its `rev` (dates are kept as ISO
strings, instants as datetimes, which a whole-document write keeps on the stand-in too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.registration.store.base import ACTIVE, SUMMARY, Collections
from shared.db import Document, IndexSpec

GATHERINGS = "gatherings"
PART_FIELDS = {"outbox": 0, "seats": 0, "quota_holders": 0}
"""A part as its gathering's page shows it: the session without its pending events and the
ledger's lists the view does not count."""
COUNTED = {"email_key": 1, "country": 1, "attendance": 1, "session_id": 1}


class GatheringDocuments(Collections):
    """The `gatherings` collection, and gathering-wide reads of the other two."""

    @property
    def gatherings(self) -> AsyncCollection[Document]:
        return self.sessions.database[GATHERINGS]

    async def insert_gathering(self, document: Document) -> None:
        await self.gatherings.insert_one(document)

    async def insert_gathering_once(self, document: Document) -> bool:
        """Insert unless a gathering with its id exists (an announced one's id is derived
        from its source); whether it was inserted."""
        try:
            await self.gatherings.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def gathering(self, gathering_id: str) -> Document | None:
        return await self.gatherings.find_one({"_id": gathering_id})

    async def replace_gathering(self, gathering_id: str, rev: int, document: Document) -> bool:
        """Replace the gathering if nobody changed it since it was read at `rev`."""
        found = await self.gatherings.replace_one({"_id": gathering_id, "rev": rev}, document)
        return found.matched_count == 1

    async def change_gathering_status(self, gathering_id: str, from_status: str,
                                      changes: dict[str, Any]) -> bool:
        found = await self.gatherings.update_one(
            {"_id": gathering_id, "status": from_status},
            {"$set": {name: _iso(value) for name, value in changes.items()},
             "$inc": {"rev": 1}})
        return found.matched_count == 1

    async def gathering_page(self, after: str | None, limit: int,
                             published_only: bool) -> list[Document]:
        """One page of gatherings in order of creation (ids grow with time)."""
        found: dict[str, Any] = {"status": "published"} if published_only else {}
        if after is not None:
            found["_id"] = {"$gt": after}
        return await self.gatherings.find(found).sort("_id", 1).limit(limit).to_list()

    async def editions(self, series_id: str) -> list[Document]:
        """Every edition of a series, drafts included (the caller filters)."""
        return await self.gatherings.find({"series_id": series_id}).to_list()

    async def parts(self, gathering_ids: Sequence[str]) -> list[Document]:
        """The sessions of these gatherings, drafts included, earliest first."""
        return await self.sessions.find({"event_id": {"$in": list(gathering_ids)}},
                                        PART_FIELDS).sort("starts_at", 1).to_list()

    async def part_event(self, session_id: str) -> str | None:
        """The gathering a session is a part of, from the summary this Store last read (the
        one registering reads anyway), else a fresh read."""
        summary = self.remembered_summary(session_id)
        if summary is None:
            summary = self._remember(await self.sessions.find_one({"_id": session_id},
                                                                  SUMMARY))
        return None if summary is None else summary.get("event_id")

    async def counted_registrations(self, session_ids: Sequence[str]) -> list[Document]:
        """What a gathering's statistics count of each active registration of its parts."""
        return await self.registrations.find(
            {"session_id": {"$in": list(session_ids)}, "status": {"$in": list(ACTIVE)}},
            COUNTED).to_list()


def _iso(value: Any) -> Any:
    """Moments set with `$set` as ISO strings (see store/base.py: the stand-in would anyway)."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def gathering_indexes() -> list[IndexSpec]:
    return [
        IndexSpec(GATHERINGS, (("status", 1),)),
        IndexSpec(GATHERINGS, (("series_id", 1),)),
        IndexSpec("sessions", (("event_id", 1), ("starts_at", 1))),
    ]
