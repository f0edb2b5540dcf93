"""Sessions and their seat ledger in memory: store/sessions.py and store/ledger.py, each
conditional write checked against the same guard and applied whole, or not at all.

No method awaits between reading its guard and writing, so on the one event loop each is as
atomic as the single-document update it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.registration.domain.rules import SeatClaim
from services.registration.domain.sessions import position_of
from services.registration.store.base import LEDGER_LISTS, REMEMBERED_SESSIONS
from services.registration.store.session_filters import SORTS
from shared.contracts.registration.rpc import SessionOrder, SessionQuery
from shared.db import Document
from shared.ids import id_floor
from shared.outbox import OUTBOX_FIELD
from tests.fast.registration.documents import (
    as_stored,
    below,
    set_with_events,
    starts_within,
    without,
)

SUMMARY_LEAVES_OUT = (OUTBOX_FIELD, *LEDGER_LISTS)


class MemorySessions:
    """The `sessions` collection, and the summaries last read or written (as `Collections`)."""

    def __init__(self) -> None:
        self.sessions: dict[str, Document] = {}
        self._summaries: dict[str, Document] = {}

    # --- documents ---
    async def insert_session(self, document: Document) -> None:
        if document["_id"] in self.sessions:
            raise DuplicateKeyError("duplicate _id")
        self.sessions[document["_id"]] = as_stored(document)

    async def insert_session_once(self, document: Document) -> bool:
        if document["_id"] in self.sessions:
            return False
        await self.insert_session(document)
        return True

    async def session(self, session_id: str, *, with_outbox: bool = False) -> Document | None:
        found = self.sessions.get(session_id)
        if found is None:
            return None
        return as_stored(found) if with_outbox else without(found, [OUTBOX_FIELD])

    async def session_summary(self, session_id: str) -> Document | None:
        found = self.sessions.get(session_id)
        return self._remember(None if found is None else without(found, SUMMARY_LEAVES_OUT))

    def remembered_summary(self, session_id: str) -> Document | None:
        return self._summaries.get(session_id)

    def _remember(self, summary: Document | None) -> Document | None:
        if summary is not None:
            if len(self._summaries) >= REMEMBERED_SESSIONS:
                del self._summaries[next(iter(self._summaries))]
            self._summaries[summary["_id"]] = summary
        return summary

    async def replace_session(self, session_id: str, rev: int, document: Document) -> bool:
        found = self.sessions.get(session_id)
        if found is None or found.get("rev") != rev:
            return False
        self.sessions[session_id] = as_stored({**document, "_id": session_id})
        return True

    async def change_status(self, session_id: str, from_status: str, changes: dict[str, Any],
                            events: Sequence[Document]) -> bool:
        found = self.sessions.get(session_id)
        if found is None or found["status"] != from_status:
            return False
        set_with_events(found, changes, events)
        found["rev"] += 1
        return True

    async def note_participants_cancelled(self, session_id: str) -> None:
        if session_id in self.sessions:
            self.sessions[session_id]["participants_due"] = None

    async def note_no_shows_marked(self, session_id: str) -> None:
        if session_id in self.sessions:
            self.sessions[session_id]["no_shows_marked"] = True

    # --- lists (store/session_filters.py, as predicates) ---
    async def session_page(self, query: SessionQuery) -> list[Document]:
        found = [s for s in self._sorted(query.order) if _matches(s, query)]
        if query.after is not None:
            found = [s for s in found if _beyond(s, query.order, query.after)]
        return [without(s, [OUTBOX_FIELD]) for s in found[:query.limit]]

    async def upcoming(self, query: SessionQuery, now: datetime, limit: int) -> list[Document]:
        feed = query.model_copy(update={"published_only": True})
        found = [s for s in self._sorted("starts_at")
                 if _matches(s, feed) and s["ends_at"] > now]
        return [without(s, [OUTBOX_FIELD]) for s in found[:limit]]

    async def running_sessions(self, now: datetime) -> list[Document]:
        return self._sessions_where(lambda s: s["status"] == "published" and s["ends_at"] > now)

    async def ended_without_no_shows(self, now: datetime) -> list[Document]:
        return self._sessions_where(lambda s: s["status"] == "published" and s["ends_at"] < now
                           and s.get("no_shows_marked") is False)

    async def sessions_to_anonymize(self, moment: datetime) -> list[Document]:
        return self._sessions_where(lambda s: s["ends_at"] < moment
                                    and s.get("personal_data_erased") is not True)

    async def note_personal_data_erased(self, session_id: str) -> None:
        if session_id in self.sessions:
            self.sessions[session_id]["personal_data_erased"] = True

    async def sessions_held(self, now: datetime, session_id: str | None = None,
                            starts_from: datetime | None = None,
                            starts_to: datetime | None = None) -> list[Document]:
        return self._sessions_where(lambda s: s["status"] == "published" and s["ends_at"] < now
                           and session_id in (None, s["_id"])
                           and starts_within(s, starts_from, starts_to))

    async def session_cancellations_due(self, before: datetime) -> list[Document]:
        return [without(s, [OUTBOX_FIELD]) for s in self.sessions.values()
                if s["status"] == "cancelled"
                and below(s.get("participants_due"), id_floor(before))]

    def _sessions_where(self, wanted: Callable[[Document], bool]) -> list[Document]:
        return [as_stored(s) for s in self.sessions.values() if wanted(s)]

    def _sorted(self, order: SessionOrder) -> list[Document]:
        found = list(self.sessions.values())
        keys = SORTS[order]
        for name, direction in reversed(keys):
            found.sort(key=lambda s, n=name: s[n], reverse=direction < 0)
        return found

    # --- the ledger (store/ledger.py) ---
    async def take_seat(self, session: Document, registration_id: str, claim: SeatClaim,
                        *, from_waiting: bool = False) -> bool:
        found = self.sessions.get(session["_id"])
        if found is None or not _seat_guard(found, session, registration_id, claim,
                                            from_waiting):
            return False
        found["confirmed"] += 1
        found["rev"] += 1
        found["seats"].append(registration_id)
        if claim.quota_country is not None:
            used = found.setdefault("quota_used", {})
            used[claim.quota_country] = used.get(claim.quota_country, 0) + 1
            found["quota_holders"].append(registration_id)
        if from_waiting:
            found["promoted"] = found.get("promoted", 0) + 1
            found["waiting"] = [w for w in found["waiting"] if w != registration_id]
        return True

    async def join_waitlist(self, session: Document, registration_id: str) -> Document | None:
        found = self.sessions.get(session["_id"])
        if (found is None or found["status"] != "published"
                or found["quotas_rev"] != session["quotas_rev"]
                or registration_id in found["seats"] or registration_id in found["waiting"]):
            return None
        found["waitlist_next"] += 1
        found["rev"] += 1
        found["waiting"].append(registration_id)
        return self._remember(without(found, SUMMARY_LEAVES_OUT))

    async def release(self, session_id: str, registration_id: str, country: str) -> None:
        self._summaries.pop(session_id, None)
        found = self.sessions.get(session_id)
        if found is None:
            return
        if registration_id in found["waiting"]:
            found["waiting"] = [w for w in found["waiting"] if w != registration_id]
        elif registration_id in found["seats"]:
            found["seats"] = [s for s in found["seats"] if s != registration_id]
            found["confirmed"] -= 1
            if registration_id in found["quota_holders"]:
                found["quota_holders"].remove(registration_id)
                used = found.setdefault("quota_used", {})
                used[country] = used.get(country, 0) - 1
        else:
            return
        found["rev"] += 1


def _seat_guard(found: Document, read: Document, registration_id: str, claim: SeatClaim,
                from_waiting: bool) -> bool:
    """The filter of `SeatLedger.take_seat`, as a predicate."""
    if (found["status"] != "published" or found.get("capacity") != read.get("capacity")
            or found["quotas_rev"] != read["quotas_rev"] or registration_id in found["seats"]):
        return False
    waiting = found["waiting"]
    if from_waiting:
        ok = registration_id in waiting
    elif claim.kind == "general":
        ok = not waiting
    else:
        ok = registration_id not in waiting
    if claim.confirmed_below is not None and not found["confirmed"] < claim.confirmed_below:
        return False
    used = found.get("quota_used", {})
    if any(country not in used or used[country] != n for country, n in claim.expect.items()):
        return False
    if claim.quota_country is not None and registration_id in found["quota_holders"]:
        return False
    return ok


def _matches(session: Document, query: SessionQuery) -> bool:
    """`store.session_filters.session_filter`, as a predicate."""
    return ((not query.published_only
             or (session["status"] == "published" and session["visibility"] == "public"))
            and starts_within(session, query.starts_from, query.starts_to)
            and (query.topic is None or query.topic in session.get("topics", []))
            and (query.format is None or session.get("format") == query.format)
            and (query.language is None or query.language in session.get("languages", []))
            and _desk_matches(session, query))


def _desk_matches(session: Document, query: SessionQuery) -> bool:
    """`store.session_filters.desk_filter`, as a predicate."""
    status, source = query.status, query.source
    by_status = (status is None
                 or (status in ("draft", "published", "cancelled") and session["status"] == status)
                 or (status == "invite_only" and session["visibility"] == "invite_only")
                 or (status == "past" and (query.ended_before is None
                                           or session["ends_at"] < query.ended_before)))
    return by_status and (source is None
                          or (session.get("provenance") or {}).get("source") == source)


def _beyond(session: Document, order: SessionOrder, after: str) -> bool:
    """The keyset of `store.session_filters.session_search`: past the page's last."""
    if order == "created":
        return bool(session["_id"] > after)
    starts_at, session_id = position_of(after)
    position = (session["starts_at"], session["_id"])
    return position > (starts_at, session_id) if order == "starts_at" \
        else position < (starts_at, session_id)
