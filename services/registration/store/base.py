"""The two collections of the registration service, and what every part of the Store shares.

`sessions` holds each session with its seat ledger: `confirmed` (seats taken), `seats` and
`waiting` (registration ids, the latter in first-come order), `waitlist_next`, `quota_used`
(per country) and `quota_holders`. `registrations` holds each person's status with its
outbox; a unique index on (session_id, email_key) makes a second registration of one address
impossible, until a cancelled or expired one gives its address up to a new registration.

Writes whose caller needs nothing back are `update_one` (its `matched_count` says whether the
guard held), not `find_one_and_update`: one command either way on MongoDB, but the embedded
stand-in serves a find-and-modify as a read, a write and another read, twice the CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from shared.db import Document
from shared.ids import id_floor
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
DUE_FIELDS = ("release_due", "confirm_due", "participants_due")
"""Moments the sweeper compares in queries, stored as id floors (shared/ids.py): the embedded
stand-in compares datetimes in queries to the whole second. Every other moment a transition
sets is stored as an ISO string: the stand-in turns a datetime given to `$set` into a string
anyway, and those are only ever shown, never compared in a query. (Whole documents, inserted
or replaced, keep their datetimes.)"""


class Collections:
    """The collections, and the session summaries this Store last read or wrote."""

    sessions: AsyncCollection[Document]
    registrations: AsyncCollection[Document]

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

    def _forget(self, session_id: str) -> None:
        self._summaries.pop(session_id, None)

    @staticmethod
    def outbox_of(registration_id: str) -> tuple[str, str]:
        """Where the relay finds the events just written on this registration (its kick)."""
        return REGISTRATIONS, registration_id


def stored(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` as `$set` stores them: moments as id floors or ISO strings (`DUE_FIELDS`)."""
    return {name: _moment(name, value) if isinstance(value, datetime) else value
            for name, value in changes.items()}


def _moment(name: str, value: datetime) -> str:
    return id_floor(value) if name in DUE_FIELDS else value.isoformat()


def with_events(changes: dict[str, Any], events: Sequence[Document]) -> dict[str, Any]:
    """The update that sets `changes` and queues `events` in the same write."""
    changes = stored(changes)
    return push_to_outbox({"$set": changes}, events) if events else {"$set": changes}
