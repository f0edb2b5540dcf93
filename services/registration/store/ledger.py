"""The seat ledger's writes: taking a seat, joining the waiting list, giving a place back.

Every seat or waitlist change is ONE conditional update of the session document, guarded by
membership (`$nin`) so the same registration never takes two places, and by the counters so
capacity is never exceeded.

`$push` under `$nin` guards, which on MongoDB is `$addToSet`: the stand-in runs each
`$addToSet` value as its own autocommitted SQLite statement before the rest of the update, so
a crash between them tore the ledger (a seat listed, not counted).
"""

from __future__ import annotations

from typing import Any

from pymongo import ReturnDocument

from services.registration.domain.rules import SeatClaim
from services.registration.store.base import SUMMARY, Collections
from shared.db import Document


class SeatLedger(Collections):
    """The ledger inside each session document."""

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
        return self._remember(await self.sessions.find_one_and_update(
            {"_id": session["_id"], "status": "published", "quotas_rev": session["quotas_rev"],
             "seats": {"$nin": [registration_id]}, "waiting": {"$nin": [registration_id]}},
            {"$inc": {"waitlist_next": 1, "rev": 1}, "$push": {"waiting": registration_id}},
            projection=SUMMARY, return_document=ReturnDocument.AFTER))

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
