"""The registration store in memory (`handlers.storage.Storage`), for the fast tier.

Same guarantees as `store.Store`: each method is one atomic step (nothing awaited between a
guard and its write), a registration's address is unique per session (the unique index on
`(session_id, email_key)`), and events go into the document's outbox in the same write as
the state they announce, from where `MemoryRelay` publishes them as `OutboxRelay` does.
Sessions and the ledger are in memory_sessions.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from services.registration.store.base import ACTIVE, REGISTRATIONS, SESSIONS
from shared.db import Document
from shared.ids import id_floor
from shared.outbox import OUTBOX_FIELD
from tests.fast.registration.documents import (
    as_stored,
    below,
    is_null,
    only,
    set_with_events,
    without,
)
from tests.fast.registration.memory_gatherings import MemoryGatherings
from tests.fast.registration.memory_invitations import MemoryInvitations
from tests.fast.registration.memory_sessions import MemorySessions

PROFILE = ("country", "region", "sector", "gender", "session_id")


class MemoryStore(MemorySessions, MemoryGatherings, MemoryInvitations):
    """Both collections of the service, in dicts."""

    def __init__(self) -> None:
        super().__init__()
        self.registrations: dict[str, Document] = {}
        self.gatherings: dict[str, Document] = {}
        self.invitations: dict[str, Document] = {}

    @staticmethod
    def outbox_of(registration_id: str) -> tuple[str, str]:
        return REGISTRATIONS, registration_id

    def collection(self, name: str) -> dict[str, Document]:
        """The documents of one collection, by id (the relay's view)."""
        return {SESSIONS: self.sessions, REGISTRATIONS: self.registrations}[name]

    # --- documents ---
    async def insert_registration(self, document: Document) -> Document | None:
        same = self._first(lambda r: r["session_id"] == document["session_id"]
                           and r["email_key"] == document["email_key"])
        if same is not None or document["_id"] in self.registrations:
            return same  # a duplicate key, as the unique indexes refuse it
        self.registrations[document["_id"]] = as_stored(document)
        return None

    async def retire_email(self, registration: Document) -> None:
        found = self.registrations.get(registration["_id"])
        if found is not None and found["status"] in ("cancelled", "expired") \
                and found["email_key"] == registration["email_key"]:
            found["email_key"] = f"retired:{registration['_id']}"

    async def forget_received(self, registration_id: str) -> None:
        found = self.registrations.get(registration_id)
        if found is not None and found["status"] == "received":
            del self.registrations[registration_id]

    async def registration(self, registration_id: str) -> Document | None:
        found = self.registrations.get(registration_id)
        return None if found is None else as_stored(found)

    async def registration_by_email(self, session_id: str, key: str) -> Document | None:
        return self._first(lambda r: r["session_id"] == session_id and r["email_key"] == key)

    # --- transitions ---
    async def transition(self, registration_id: str, from_status: Sequence[str],
                         changes: dict[str, Any], events: Sequence[Document]) -> Document | None:
        if not self._set(registration_id, lambda r: r["status"] in from_status, changes, events):
            return None
        return as_stored(self.registrations[registration_id])

    async def advance(self, registration_id: str, from_status: Sequence[str],
                      changes: dict[str, Any], events: Sequence[Document]) -> bool:
        return self._set(registration_id, lambda r: r["status"] in from_status, changes, events)

    async def record_approval(self, registration_id: str, changes: dict[str, Any]) -> bool:
        return self._set(registration_id, lambda r: r["status"] == "pending_approval",
                         changes, [])

    async def note_owner_told(self, registration_id: str, status: str, slot: int,
                              event: Document) -> bool:
        return self._set(registration_id,
                         lambda r: r["status"] == status and r.get("owner_told") != slot,
                         {"owner_told": slot}, [event])

    async def mark_attended(self, registration_id: str, minutes: int | None,
                            event: Document) -> bool:
        return self._set(
            registration_id,
            lambda r: r["status"] == "confirmed" and r.get("attendance") in (None, "no_show"),
            {"attendance": "attended", "attendance_minutes": minutes}, [event])

    async def mark_no_show(self, registration_id: str, event: Document) -> bool:
        return self._set(registration_id,
                         lambda r: r["status"] == "confirmed" and is_null(r, "attendance"),
                         {"attendance": "no_show"}, [event])

    async def anonymize(self, registration_id: str, changes: dict[str, Any]) -> bool:
        return self._set(registration_id, lambda r: r.get("anonymized") is False, changes, [])

    async def note_place_given_back(self, registration_id: str) -> None:
        self._set(registration_id, lambda r: True, {"release_due": None}, [])

    # --- certificates (store/certificates.py) ---
    async def issue_certificate(self, registration_id: str, certificate: Document,
                                event: Document) -> bool:
        return self._set(registration_id, lambda r: r["status"] == "confirmed"
                         and is_null(r, "certificate"), {"certificate": certificate}, [event])

    async def correct_name(self, registration_id: str, current_code: str | None,
                           changes: dict[str, Any], events: Sequence[Document]) -> bool:
        def holds(r: Document) -> bool:
            code = (r.get("certificate") or {}).get("code")
            return not r.get("anonymized") and code == current_code
        return self._set(registration_id, holds, changes, events)

    async def registration_by_certificate(self, code: str) -> Document | None:
        found = self._first(lambda r: (r.get("certificate") or {}).get("code") == code)
        return found or self._first(lambda r: code in r.get("superseded_codes", []))

    def _set(self, registration_id: str, expect: Callable[[Document], bool],
             changes: dict[str, Any], events: Sequence[Document]) -> bool:
        found = self.registrations.get(registration_id)
        if found is None or not expect(found):
            return False
        set_with_events(found, changes, events)
        return True

    # --- lists ---
    async def registration_page(self, session_id: str, status: str | None, after: str | None,
                                limit: int, *, country: str | None = None) -> list[Document]:
        found = sorted((r for r in self.registrations.values()
                        if r["session_id"] == session_id and status in (None, r["status"])
                        and country in (None, r["country"])
                        and (after is None or r["_id"] > after)), key=lambda r: r["_id"])
        return [without(r, [OUTBOX_FIELD]) for r in found[:limit]]

    async def active_registrations(self, session_id: str) -> list[Document]:
        return self._where(lambda r: r["session_id"] == session_id and r["status"] in ACTIVE)

    async def confirmed_without_attendance(self, session_id: str) -> list[Document]:
        return self._where(lambda r: r["session_id"] == session_id
                           and r["status"] == "confirmed" and is_null(r, "attendance"))

    async def not_anonymized(self, session_id: str) -> list[str]:
        return [r["_id"] for r in self.registrations.values()
                if r["session_id"] == session_id and r.get("anonymized") is False]

    async def confirmed_profiles(self, session_ids: Sequence[str]) -> list[Document]:
        return [only(r, PROFILE) for r in self.registrations.values()
                if r["session_id"] in session_ids and r["status"] == "confirmed"]

    async def waitlisted_in_seats(self, session: Document) -> list[Document]:
        return self._where(lambda r: r["session_id"] == session["_id"]
                           and r["status"] == "waitlisted" and r["_id"] in session["seats"])

    # --- what the sweeper finishes ---
    async def stuck_received(self, before: datetime, limit: int = 100) -> list[Document]:
        return self._where(lambda r: r["status"] == "received"
                           and r["_id"] < id_floor(before))[:limit]

    async def releases_due(self, before: datetime, limit: int = 100) -> list[Document]:
        found: list[Document] = []
        for status in ("cancelled", "expired"):  # each up to `limit`, as the store's queries
            found += [as_stored(r) for r in self.registrations.values()
                      if r["status"] == status
                      and below(r.get("release_due"), id_floor(before))][:limit]
        return found

    async def lapsed_holds(self, now: datetime, limit: int = 100) -> list[Document]:
        return self._where(lambda r: r["status"] == "awaiting_confirmation"
                           and below(r.get("confirm_due"), id_floor(now), inclusive=True))[:limit]

    def _where(self, wanted: Callable[[Document], bool]) -> list[Document]:
        return [as_stored(r) for r in self.registrations.values() if wanted(r)]

    def _first(self, wanted: Callable[[Document], bool]) -> Document | None:
        return next((as_stored(r) for r in self.registrations.values() if wanted(r)), None)

    # --- the outbox, for MemoryRelay ---
    def pending(self) -> list[tuple[str, str, list[Document]]]:
        """(collection, id, entries) of every document with events still to publish."""
        return [(name, key, as_stored({"o": document[OUTBOX_FIELD]})["o"])
                for name in (SESSIONS, REGISTRATIONS)
                for key, document in self.collection(name).items()
                if document.get(OUTBOX_FIELD)]

    def sent(self, collection: str, document_id: str, entry_ids: set[str]) -> None:
        """Remove what was published (`$pull` by entry id)."""
        document = self.collection(collection).get(document_id)
        if document is not None:
            document[OUTBOX_FIELD] = [e for e in document.get(OUTBOX_FIELD, [])
                                      if e["id"] not in entry_ids]

