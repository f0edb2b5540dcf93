"""Gatherings (the API's events) in memory: store/gatherings.py, with the same guards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.registration.store.base import ACTIVE
from shared.db import Document
from tests.fast.registration.documents import as_stored, only, without


class MemoryGatherings:
    """The `gatherings` collection; the parts and registrations come from the other two."""

    sessions: dict[str, Document]
    registrations: dict[str, Document]
    gatherings: dict[str, Document]
    # MemorySessions gives `remembered_summary` and `session_summary` (see MemoryStore).

    async def insert_gathering(self, document: Document) -> None:
        self.gatherings[document["_id"]] = as_stored(document)

    async def insert_gathering_once(self, document: Document) -> bool:
        if document["_id"] in self.gatherings:
            return False
        await self.insert_gathering(document)
        return True

    async def gathering(self, gathering_id: str) -> Document | None:
        found = self.gatherings.get(gathering_id)
        return None if found is None else as_stored(found)

    async def replace_gathering(self, gathering_id: str, rev: int, document: Document) -> bool:
        found = self.gatherings.get(gathering_id)
        if found is None or found["rev"] != rev:
            return False
        self.gatherings[gathering_id] = as_stored(document)
        return True

    async def change_gathering_status(self, gathering_id: str, from_status: str,
                                      changes: dict[str, Any]) -> bool:
        found = self.gatherings.get(gathering_id)
        if found is None or found["status"] != from_status:
            return False
        found.update(as_stored({k: v.isoformat() if hasattr(v, "isoformat") else v
                                for k, v in changes.items()}))
        found["rev"] += 1
        return True

    async def gathering_page(self, after: str | None, limit: int,
                             published_only: bool) -> list[Document]:
        found = [g for _, g in sorted(self.gatherings.items())
                 if (not published_only or g["status"] == "published")
                 and (after is None or g["_id"] > after)]
        return [as_stored(g) for g in found[:limit]]

    async def editions(self, series_id: str) -> list[Document]:
        return [as_stored(g) for g in self.gatherings.values() if g["series_id"] == series_id]

    async def parts(self, gathering_ids: Sequence[str]) -> list[Document]:
        found = [s for s in self.sessions.values() if s.get("event_id") in gathering_ids]
        return [without(s, ["outbox", "seats", "quota_holders"])
                for s in sorted(found, key=lambda s: s["starts_at"])]

    async def part_event(self, session_id: str) -> str | None:
        summary = self.remembered_summary(session_id) or await self.session_summary(session_id)
        return None if summary is None else summary.get("event_id")

    async def counted_registrations(self, session_ids: Sequence[str]) -> list[Document]:
        return [only(r, ["email_key", "country", "attendance", "session_id"])
                for r in self.registrations.values()
                if r["session_id"] in session_ids and r["status"] in ACTIVE]
