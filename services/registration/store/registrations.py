"""Registration documents: inserting, reading, and each conditional write of their life.

Every write that changes a status expects the status it was decided on (or a field that tells
the step is still to do), and queues the transition's events in the same write. Inserting and
`advance`, a registration's two writes in a burst, are group-committed (batched.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase

from services.registration.store.base import ACTIVE, Collections, with_events
from services.registration.store.batched import Step, advance_each, insert_each
from shared.db import Document
from shared.ids import id_floor
from shared.outbox import with_pending_marker
from shared.write_batcher import WriteBatcher


class RegistrationDocuments(Collections):
    """The `registrations` collection."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        super().__init__(db)
        self._inserts = WriteBatcher[Document, bool](
            lambda documents: insert_each(self.registrations, documents))
        self._steps = WriteBatcher[Step, bool](
            lambda steps: advance_each(self.registrations, steps))

    async def insert_registration(self, document: Document) -> Document | None:
        """Insert; None if it went in, else the registration of that address already there."""
        if await self._inserts.submit(with_pending_marker(document)):
            return None
        return await self.registrations.find_one(
            {"session_id": document["session_id"], "email_key": document["email_key"]})

    async def retire_email(self, registration: Document) -> None:
        """Free the address of a cancelled or expired registration for a new one (the unique
        index allows one per address and session); the old one keeps its history."""
        await self.registrations.update_one(
            {"_id": registration["_id"], "status": {"$in": ["cancelled", "expired"]},
             "email_key": registration["email_key"]},
            {"$set": {"email_key": f"retired:{registration['_id']}"}})

    async def forget_received(self, registration_id: str) -> None:
        """Delete a registration refused after it was inserted, before it got any place or
        event (so that the address may register again once the session allows it)."""
        await self.registrations.delete_one({"_id": registration_id, "status": "received"})

    async def registration(self, registration_id: str) -> Document | None:
        return await self.registrations.find_one({"_id": registration_id})

    async def registration_by_email(self, session_id: str, key: str) -> Document | None:
        return await self.registrations.find_one({"session_id": session_id, "email_key": key})

    # --- transitions ---
    async def transition(self, registration_id: str, from_status: Sequence[str],
                         changes: dict[str, Any], events: Sequence[Document]) -> Document | None:
        """Set `changes` and queue `events` if the status is still one of `from_status`."""
        return await self.registrations.find_one_and_update(
            {"_id": registration_id, "status": {"$in": list(from_status)}},
            with_events(changes, events), return_document=ReturnDocument.AFTER)

    async def advance(self, registration_id: str, from_status: Sequence[str],
                      changes: dict[str, Any], events: Sequence[Document]) -> bool:
        """`transition` for a caller that knows the document already: whether it applied.

        Group-committed when it moves the registration to a status it did not expect (every
        status change; see batched.py why that tells its outcome apart)."""
        if changes.get("status") in (None, *from_status):
            return await self._set(registration_id, {"status": {"$in": list(from_status)}},
                                   changes, events)
        return await self._steps.submit(
            Step(registration_id, tuple(from_status), with_events(changes, events)))

    async def record_approval(self, registration_id: str, changes: dict[str, Any]) -> bool:
        """Record an approval if the registration is still pending it."""
        return await self._set(registration_id, {"status": "pending_approval"}, changes, [])

    async def note_owner_told(self, registration_id: str, status: str, slot: int,
                              event: Document) -> bool:
        """Queue the mail to the owner of an address registered again, once per `slot`, if
        the status it tells is still the registration's."""
        # `$nin` rather than `$ne`: in a write filter the stand-in's `$ne` never matches a
        # missing field.
        return await self._set(registration_id,
                               {"status": status, "owner_told": {"$nin": [slot]}},
                               {"owner_told": slot}, [event])

    async def mark_attended(self, registration_id: str, minutes: int | None,
                            event: Document) -> bool:
        """A confirmed participant attended (once; a no-show who came is corrected)."""
        # `$in` rather than `$ne`: in a write filter the stand-in's `$ne` never matches a
        # null field.
        return await self._set(
            registration_id, {"status": "confirmed", "attendance": {"$in": [None, "no_show"]}},
            {"attendance": "attended", "attendance_minutes": minutes}, [event])

    async def mark_no_show(self, registration_id: str, event: Document) -> bool:
        """A confirmed participant without attendance once the session ended (once)."""
        return await self._set(registration_id, {"status": "confirmed", "attendance": None},
                               {"attendance": "no_show"}, [event])

    async def anonymize(self, registration_id: str, changes: dict[str, Any]) -> bool:
        """Erase personal data (`changes`) unless done already."""
        return await self._set(registration_id, {"anonymized": False}, changes, [])

    async def note_place_given_back(self, registration_id: str) -> None:
        """The place of a cancelled or expired registration is back in the ledger."""
        await self._set(registration_id, {}, {"release_due": None}, [])

    async def _set(self, registration_id: str, expect: dict[str, Any],
                   changes: dict[str, Any], events: Sequence[Document]) -> bool:
        """Set `changes` and queue `events` if the registration still matches `expect`."""
        return (await self.registrations.update_one(
            {"_id": registration_id, **expect}, with_events(changes, events))
        ).matched_count == 1

    # --- lists ---
    async def registration_page(self, session_id: str, status: str | None, after: str | None,
                                limit: int, *, country: str | None = None) -> list[Document]:
        """A session's registrations (maybe of one status, one country) in id order, after
        `after`."""
        query: dict[str, Any] = {"session_id": session_id}
        if status is not None:
            query["status"] = status
        if country is not None:
            query["country"] = country
        if after is not None:
            query = {**query, "_id": {"$gt": after}}
        return await self.registrations.find(query, {"outbox": 0}).sort("_id", 1) \
            .limit(limit).to_list()

    async def active_registrations(self, session_id: str) -> list[Document]:
        """Registrations of the session that hold or await a place."""
        return await self.registrations.find(
            {"session_id": session_id, "status": {"$in": list(ACTIVE)}}).to_list()

    async def confirmed_without_attendance(self, session_id: str) -> list[Document]:
        return await self.registrations.find(
            {"session_id": session_id, "status": "confirmed", "attendance": None}).to_list()

    async def not_anonymized(self, session_id: str) -> list[str]:
        """Ids of the session's registrations that still hold personal data."""
        found = await self.registrations.find(
            {"session_id": session_id, "anonymized": False}, {"_id": 1}).to_list()
        return [registration["_id"] for registration in found]

    async def confirmed_profiles(self, session_ids: Sequence[str]) -> list[Document]:
        """What the statistics count of each confirmed participant of these sessions."""
        return await self.registrations.find(
            {"session_id": {"$in": list(session_ids)}, "status": "confirmed"},
            {"country": 1, "region": 1, "sector": 1, "gender": 1, "session_id": 1}).to_list()

    async def waitlisted_in_seats(self, session: Document) -> list[Document]:
        """Registrations still `waitlisted` that the session's ledger seats: promotions whose
        status write did not happen."""
        return await self.registrations.find(
            {"session_id": session["_id"], "status": "waitlisted",
             "_id": {"$in": session["seats"]}}).to_list()

    # --- what the sweeper finishes ---
    async def stuck_received(self, before: datetime, limit: int = 100) -> list[Document]:
        """Registrations still `received` that were created before `before` (ids sort by
        creation time).

        The oldest `received` ones, cut at `before` here rather than in the filter: the
        stand-in answers `status` with an `_id` range by reading every registration (about a
        second at 50,000, each sweep), but `status` alone, sorted by `_id`, from its index.
        Oldest first, so the cut keeps exactly those a `$lt` in the filter would."""
        oldest = await self.registrations.find({"status": "received"}).sort(
            "_id", ASCENDING).limit(limit).to_list()
        floor = id_floor(before)
        return [registration for registration in oldest if registration["_id"] < floor]

    async def releases_due(self, before: datetime, limit: int = 100) -> list[Document]:
        """Cancelled or expired registrations whose place was due back before `before`."""
        found = []
        for status in ("cancelled", "expired"):  # two plain queries: `$in`/`$or` cost more
            found += await self.registrations.find(
                {"status": status, "release_due": {"$lt": id_floor(before)}}
            ).limit(limit).to_list()
        return found

    async def lapsed_holds(self, now: datetime, limit: int = 100) -> list[Document]:
        """Registrations still awaiting the confirmation of their address whose deadline
        (`confirm_due`) is `now` or earlier."""
        return await self.registrations.find(
            {"status": "awaiting_confirmation", "confirm_due": {"$lte": id_floor(now)}}
        ).limit(limit).to_list()
