"""The only module that knows the MongoDB documents of the registration service.

`sessions` holds each session with its seat ledger: `confirmed` (seats taken), `seats` and
`waiting` (registration ids, the latter in first-come order), `waitlist_next`, `quota_used`
(per country) and `quota_holders`. Every seat or waitlist change is ONE conditional
update of that document, guarded by membership (`$nin`) so the same
registration never takes two places, and by the counters so capacity is never exceeded.
`registrations` holds each person's status with its outbox; a unique index on
(session_id, email_key) makes a second registration of one address impossible, until a
cancelled or expired one gives its address up to a new registration (`retire_email`).

Writes whose caller needs nothing back are `update_one` (its `matched_count` says whether the
guard held), not `find_one_and_update`: one command either way on MongoDB, but the embedded
stand-in serves a find-and-modify as a read, a write and another read, twice the CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.registration.domain.rules import SeatClaim
from shared.db import Document, IndexSpec
from shared.inbox import Inbox
from shared.outbox import push_to_outbox

SESSIONS, REGISTRATIONS = "sessions", "registrations"
ACTIVE = ("confirmed", "waitlisted", "pending_approval", "awaiting_confirmation")
LEDGER_LISTS = ("seats", "waiting", "quota_holders")
SUMMARY: dict[str, int] = {"outbox": 0, **dict.fromkeys(LEDGER_LISTS, 0)}
"""A session without its pending events and the id lists of its ledger: everything deciding
a new registration needs (the lists grow with every registrant; reading and decoding them on
each request made a burst slower the longer it ran)."""
REMEMBERED_SESSIONS = 256
"""Session summaries a Store keeps from its last reads (see `remembered_summary`)."""


def indexes() -> list[IndexSpec]:
    """Every index of the service (the outbox relay adds its own)."""
    return [
        *Inbox.indexes(),
        IndexSpec(REGISTRATIONS, (("session_id", 1), ("email_key", 1)), unique=True),
        # `status` alone serves the sweep of registrations left `received`; with
        # `release_due` the sweep of cancellations whose place is still to give back.
        IndexSpec(REGISTRATIONS, (("status", 1), ("release_due", 1))),
        # Holds whose time to confirm the address is over.
        IndexSpec(REGISTRATIONS, (("status", 1), ("confirm_due", 1))),
        IndexSpec(SESSIONS, (("status", 1), ("starts_at", 1))),
    ]


class Store:
    """Documents of one service database."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.sessions, self.registrations = db[SESSIONS], db[REGISTRATIONS]
        self._summaries: dict[str, Document] = {}

    def remembered_summary(self, session_id: str) -> Document | None:
        """The summary of the session as this Store last read or wrote it, if it did: maybe
        stale, so only for a decision that a guarded ledger write (`take_seat`,
        `join_waitlist`) confirms, since every edit bumps `quotas_rev` and they expect it."""
        return self._summaries.get(session_id)

    def _remember(self, summary: Document | None) -> Document | None:
        if summary is not None:
            if len(self._summaries) >= REMEMBERED_SESSIONS:
                del self._summaries[next(iter(self._summaries))]  # the oldest
            self._summaries[summary["_id"]] = summary
        return summary

    # --- sessions ---
    async def insert_session(self, document: Document) -> None:
        await self.sessions.insert_one(document)

    async def session(self, session_id: str, *, with_outbox: bool = False) -> Document | None:
        """A session; without its pending events unless asked (a whole-document replace
        must carry them over)."""
        return await self.sessions.find_one({"_id": session_id},
                                            None if with_outbox else {"outbox": 0})

    async def session_summary(self, session_id: str) -> Document | None:
        """A session without its ledger's id lists (`SUMMARY`)."""
        return self._remember(await self.sessions.find_one({"_id": session_id}, SUMMARY))

    async def update_session(self, session_id: str, expect: dict[str, Any],
                             update: dict[str, Any], events: Sequence[Document] = ()) -> bool:
        """Apply `update` (with its events) if the session still matches `expect`."""
        if events:
            update = push_to_outbox(update, events)
        found = await self.sessions.update_one({"_id": session_id, **expect}, update)
        return found.matched_count == 1

    async def replace_session(self, session_id: str, rev: int, document: Document) -> bool:
        """Replace the whole session if no ledger change happened since it was read at `rev`.

        Used for edits that set datetimes: the embedded stand-in stores a datetime given to
        `$set` as a string, but keeps it a datetime in a whole-document write.
        """
        return await self.sessions.find_one_and_replace(
            {"_id": session_id, "rev": rev}, document) is not None

    async def session_page(self, query: dict[str, Any], sort: Sequence[tuple[str, int]],
                           limit: int) -> list[Document]:
        """Sessions matching `query` (built by `views.session_search`), in `sort` order,
        without their pending events."""
        return await self.sessions.find(query, {"outbox": 0}).sort(list(sort)) \
            .limit(limit).to_list()

    async def sessions_matching(self, query: dict[str, Any]) -> list[Document]:
        return await self.sessions.find(query).to_list()

    # --- the seat ledger ---
    async def take_seat(self, session: Document, registration_id: str, claim: SeatClaim,
                        *, from_waiting: bool = False) -> bool:
        """Move a registration into a seat if the ledger still allows exactly that claim, and
        the session is still published with the settings it was read with."""
        guard: dict[str, Any] = {"_id": session["_id"], "status": "published",
                                 "capacity": session.get("capacity"),
                                 "quotas_rev": session["quotas_rev"],
                                 "seats": {"$nin": [registration_id]}}
        if from_waiting:
            guard["waiting"] = registration_id
        elif claim.kind == "general":
            # Nobody waits (`newcomer_must_wait`): a seat just given back is the first waiter's.
            guard["waiting"] = {"$size": 0}
        else:
            guard["waiting"] = {"$nin": [registration_id]}
        if claim.confirmed_below is not None:
            guard["confirmed"] = {"$lt": claim.confirmed_below}
        guard.update({f"quota_used.{c}": n for c, n in claim.expect.items()})
        inc: dict[str, int] = {"confirmed": 1, "rev": 1}
        add: dict[str, Any] = {"seats": registration_id}
        if claim.quota_country is not None:
            inc[f"quota_used.{claim.quota_country}"] = 1
            add["quota_holders"] = registration_id
            guard["quota_holders"] = {"$nin": [registration_id]}
        # `$push` under `$nin` guards, which on MongoDB is `$addToSet`: the stand-in runs
        # each `$addToSet` value as its own autocommitted SQLite statement before the rest of
        # the update, so a crash between them tore the ledger (a seat listed, not counted).
        update: dict[str, Any] = {"$inc": inc, "$push": add}
        if from_waiting:
            inc["promoted"] = 1
            update["$pull"] = {"waiting": registration_id}
        return (await self.sessions.update_one(guard, update)).matched_count == 1

    async def join_waitlist(self, session: Document, registration_id: str) -> Document | None:
        """Append to the waiting list; the session after as a `SUMMARY` (its `waitlist_next`
        is the position), or None if the registration was already placed or the session is
        no longer published with the settings it was read with."""
        return self._remember(await self.sessions.find_one_and_update(
            {"_id": session["_id"], "status": "published", "quotas_rev": session["quotas_rev"],
             "seats": {"$nin": [registration_id]}, "waiting": {"$nin": [registration_id]}},
            # `$push` under the `$nin` guard, for the reason given in `take_seat`.
            {"$inc": {"waitlist_next": 1, "rev": 1}, "$push": {"waiting": registration_id}},
            projection=SUMMARY, return_document=ReturnDocument.AFTER))

    async def release(self, session_id: str, registration_id: str, country: str) -> None:
        """Give back whatever place the registration holds (nothing if it holds none)."""
        self._summaries.pop(session_id, None)  # it would show the seat as taken
        if (await self.sessions.update_one(
                {"_id": session_id, "waiting": registration_id},
                {"$pull": {"waiting": registration_id}, "$inc": {"rev": 1}})).matched_count:
            return
        if (await self.sessions.update_one(
                {"_id": session_id, "seats": registration_id, "quota_holders": registration_id},
                {"$pull": {"seats": registration_id, "quota_holders": registration_id},
                 "$inc": {"confirmed": -1, f"quota_used.{country}": -1, "rev": 1}}
                )).matched_count:
            return
        await self.sessions.update_one(
            {"_id": session_id, "seats": registration_id,
             "quota_holders": {"$nin": [registration_id]}},
            {"$pull": {"seats": registration_id}, "$inc": {"confirmed": -1, "rev": 1}})

    # --- registrations ---
    async def insert_registration(self, document: Document) -> Document | None:
        """Insert; None if it went in, else the registration of that address already there."""
        try:
            await self.registrations.insert_one(document)
        except DuplicateKeyError:
            return await self.registrations.find_one(
                {"session_id": document["session_id"], "email_key": document["email_key"]})
        return None

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

    async def transition(self, registration_id: str, from_status: Sequence[str],
                         changes: dict[str, Any], events: Sequence[Document]) -> Document | None:
        """Set `changes` and queue `events` if the status is still one of `from_status`."""
        return await self.registrations.find_one_and_update(
            {"_id": registration_id, "status": {"$in": list(from_status)}},
            _with_events(changes, events), return_document=ReturnDocument.AFTER)

    async def advance(self, registration_id: str, from_status: Sequence[str],
                      changes: dict[str, Any], events: Sequence[Document]) -> bool:
        """`transition` for a caller that knows the document already: whether it applied."""
        return await self.set_registration(
            registration_id, {"status": {"$in": list(from_status)}}, changes, events)

    async def set_registration(self, registration_id: str, expect: dict[str, Any],
                               changes: dict[str, Any], events: Sequence[Document]) -> bool:
        """Set `changes` and queue `events` if the registration still matches `expect`."""
        return (await self.registrations.update_one(
            {"_id": registration_id, **expect}, _with_events(changes, events))
        ).matched_count == 1

    async def registration_page(self, query: dict[str, Any], after: str | None,
                                limit: int) -> list[Document]:
        if after is not None:
            query = {**query, "_id": {"$gt": after}}
        return await self.registrations.find(query, {"outbox": 0}).sort("_id", 1) \
            .limit(limit).to_list()

    async def stuck_received(self, before_id: str, limit: int = 100) -> list[Document]:
        return await self.registrations.find(
            {"status": "received", "_id": {"$lt": before_id}}).limit(limit).to_list()

    async def releases_due(self, before: str, limit: int = 100) -> list[Document]:
        """Cancelled or expired registrations whose place was due back before the id
        `before`."""
        found = []
        for status in ("cancelled", "expired"):  # two plain queries: `$in`/`$or` cost more
            found += await self.registrations.find(
                {"status": status, "release_due": {"$lt": before}}).limit(limit).to_list()
        return found

    async def lapsed_holds(self, now: str, limit: int = 100) -> list[Document]:
        """Registrations still awaiting the confirmation of their address whose deadline
        (`confirm_due`, an id floor) is `now` (an id floor too) or earlier."""
        return await self.registrations.find(
            {"status": "awaiting_confirmation", "confirm_due": {"$lte": now}}
        ).limit(limit).to_list()

    async def session_cancellations_due(self, before: str) -> list[Document]:
        """Cancelled sessions whose participants were due to be cancelled before `before`."""
        return await self.sessions.find(
            {"status": "cancelled", "participants_due": {"$lt": before}}, {"outbox": 0}
        ).to_list()

    async def registrations_matching(self, query: dict[str, Any],
                                     projection: dict[str, int] | None = None) -> list[Document]:
        return await self.registrations.find(query, projection).to_list()


def _with_events(changes: dict[str, Any], events: Sequence[Document]) -> dict[str, Any]:
    """The update that sets `changes` and queues `events` in the same write."""
    return push_to_outbox({"$set": changes}, events) if events else {"$set": changes}
