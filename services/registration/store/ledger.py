"""The seat ledger's writes: taking a seat, joining the waiting list, giving a place back.

Every seat or waitlist change is ONE conditional update of the session document, guarded by
membership (`$nin`) so the same registration never takes two places, and by the counters so
capacity is never exceeded.

`$push` under `$nin` guards, which on MongoDB is `$addToSet`: the stand-in runs each
`$addToSet` value as its own autocommitted SQLite statement before the rest of the update, so
a crash between them tore the ledger (a seat listed, not counted).

Joining the waiting list is group-committed (shared/write_batcher.py): registrations of one
session joining while another join is in flight in this process go on the list in ONE write,
guarded for each of them as its own write would be (not placed, the settings unchanged), in
the order they arrived; each learns its position from the count after. Should that guard fail
for any of them, each joins alone, as it would have. Taking a seat is not batched: its guard
expects the counters it was decided on (`confirmed` below the capacity, the country's exact
`quota_used`, nobody waiting), so a second claim in the same write would need the outcome of
the first, and MongoDB answers an update with a total count only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from services.registration.domain.rules import SeatClaim
from services.registration.store.base import SUMMARY, Collections
from shared.db import Document
from shared.write_batcher import WriteBatcher

Joined = Document | None | BaseException


@dataclass(frozen=True)
class Joining:
    """A registration joining the waiting list of a session read at `quotas_rev`."""

    session_id: str
    quotas_rev: Any
    registration_id: str


class SeatLedger(Collections):
    """The ledger inside each session document."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        super().__init__(db)
        self._joins = WriteBatcher[Joining, Document | None](
            lambda joins: join_each(self.sessions, joins))

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
        update: dict[str, Any] = {"$inc": inc, "$push": add}
        if from_waiting:
            inc["promoted"] = 1
            update["$pull"] = {"waiting": registration_id}
        return (await self.sessions.update_one(guard, update)).matched_count == 1

    async def join_waitlist(self, session: Document, registration_id: str) -> Document | None:
        """Append to the waiting list; the session after as a `SUMMARY` (its `waitlist_next`
        is the position), or None if the registration was already placed or the session is
        no longer published with the settings it was read with."""
        return self._remember(await self._joins.submit(
            Joining(session["_id"], session["quotas_rev"], registration_id)))

    async def release(self, session_id: str, registration_id: str, country: str) -> None:
        """Give back whatever place the registration holds (nothing if it holds none)."""
        self._forget(session_id)  # a remembered summary would show the seat as taken
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


async def join_each(sessions: AsyncCollection[Document], joins: list[Joining]) -> list[Joined]:
    """Each session's joins in one write (see the module's docstring): for each, the session
    after it as a `SUMMARY` with its own position as `waitlist_next`, or None."""
    outcomes: list[Joined] = [None] * len(joins)
    groups: dict[tuple[str, Any], list[int]] = {}
    for i, joining in enumerate(joins):
        groups.setdefault((joining.session_id, joining.quotas_rev), []).append(i)

    async def join_group(indices: list[int]) -> None:
        ids = [joins[i].registration_id for i in indices]
        try:
            after = await _join(sessions, joins[indices[0]], ids) \
                if len(set(ids)) == len(ids) else None
        except Exception as error:
            for i in indices:
                outcomes[i] = error
            return
        if after is not None or len(ids) == 1:
            for n, i in enumerate(indices):
                outcomes[i] = None if after is None else \
                    {**after, "waitlist_next": int(after["waitlist_next"]) - len(ids) + 1 + n}
            return
        for i in indices:  # somebody's guard failed: each on its own, in order
            try:
                outcomes[i] = await _join(sessions, joins[i], [joins[i].registration_id])
            except Exception as error:
                outcomes[i] = error

    await asyncio.gather(*(join_group(indices) for indices in groups.values()))
    return outcomes


async def _join(sessions: AsyncCollection[Document], joining: Joining,
                ids: list[str]) -> Document | None:
    """Append `ids` to the session's waiting list if none of them holds a place and the
    session is still published with the settings they were decided on."""
    return await sessions.find_one_and_update(
        {"_id": joining.session_id, "status": "published", "quotas_rev": joining.quotas_rev,
         "seats": {"$nin": ids}, "waiting": {"$nin": ids}},
        {"$inc": {"waitlist_next": len(ids), "rev": 1},
         "$push": {"waiting": {"$each": ids} if len(ids) > 1 else ids[0]}},
        projection=SUMMARY, return_document=ReturnDocument.AFTER)
