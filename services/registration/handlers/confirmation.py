"""Confirming an address from the mail, and releasing the places of those never confirmed.

In a session with `hold_until_confirmed`, a new registration is placed as usual but recorded
`awaiting_confirmation` (holds.py): its seat or waiting-list place is kept for it, and nobody
is sent the join URL. Then either:

- the mailed link confirms it: ONE conditional write gives it the status of the place the
  ledger holds for it (a seat: confirmed, mailed with the join URL; the waiting list: waitlisted
  at its rank now) with that status's event. With no place held (an approval follows), the
  write records the confirmation and goes back to `received`, and it is placed or sent to the
  secretariat like a new registration: a crash there leaves it `received` for the sweeper.
- or the deadline passes: the sweeper records `expired` with its event and `release_due` in
  one write, then gives the place back (to the waiting list) as a cancellation does; a crash
  in between is finished by `finish_releases`.

Both writes expect `awaiting_confirmation`, so a confirmation racing the expiry, or two
confirmations, take effect once; every event id is fixed per registration and kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain.rules import hold_has_lapsed
from services.registration.events import STATUS_EVENT, participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.holds import deadline_of
from services.registration.handlers.registrations import finish, registration_of, view_of
from services.registration.handlers.seats import give_back_place, mark_promoted, place_held
from services.registration.ids import id_floor
from services.registration.store import REGISTRATIONS
from shared.bus import ServiceError
from shared.contracts.registration import ParticipantExpired, Registered
from shared.db import Document


async def confirm(deps: Deps, registration_id: str, now: datetime) -> Registered:
    """Confirm the address of a registration holding its place until then; confirming
    again (or after it changed otherwise) changes nothing and shows it as it is."""
    registration = await registration_of(deps, registration_id)
    status = registration["status"]
    if status == "received" and registration.get("address_confirmed_at") is not None:
        return await _place(deps, registration, now)  # confirmed, then interrupted
    confirm_by = deadline_of(registration)
    if status == "expired":
        raise ServiceError("gone", "The time to confirm this registration is over.")
    if confirm_by is None:
        return view_of(registration, created=False)
    if hold_has_lapsed(confirm_by, now):
        raise ServiceError("gone", "The time to confirm this registration is over.")
    session = await deps.store.session(registration["session_id"])
    if session is None or session["status"] != "published":
        raise ServiceError("conflict", "The session is no longer open.")
    confirmed: dict[str, Any] = {"address_confirmed_at": now.isoformat(), "confirm_due": None}
    held = place_held(session, registration_id)
    if held is None:  # nothing held: an approval follows, or a setting changed meanwhile
        if await deps.store.advance(registration_id, ("awaiting_confirmation",),
                                    {**confirmed, "status": "received"}, []):
            return await _place(deps, {**registration, **confirmed, "status": "received"}, now)
        return view_of(await registration_of(deps, registration_id), created=False)
    status, position = held
    extra: dict[str, Any] = {"waitlist_position": position} if position is not None else {}
    event = participant_entry(STATUS_EVENT[status], registration, session, deps.signer, now,
                              **extra)
    changes = {**confirmed, "status": status, "waitlist_position": position}
    if await deps.store.advance(registration_id, ("awaiting_confirmation",), changes, [event]):
        deps.kick(REGISTRATIONS, registration_id)
        if status == "waitlisted":
            await _moved_up_meanwhile(deps, {**registration, **changes}, now)
    return view_of(await registration_of(deps, registration_id), created=False)


async def _place(deps: Deps, registration: Document, now: datetime) -> Registered:
    session = await deps.store.session(registration["session_id"])
    if session is None:
        raise ServiceError("not_found", "There is no such session.")
    placed = await finish(deps, registration, session, now, fresh=False)
    return placed.model_copy(update={"created": False})


async def _moved_up_meanwhile(deps: Deps, registration: Document, now: datetime) -> None:
    """A waiter promoted into the seat it holds while it still awaited confirmation is
    confirmed now (else the sweeper's `repair_promotions` would, later)."""
    session = await deps.store.session(registration["session_id"])
    if session is not None and registration["_id"] in session["seats"]:
        await mark_promoted(deps, registration, session, now)


async def expire_lapsed_holds(deps: Deps, now: datetime) -> int:
    """Expire the registrations whose address was not confirmed in time; how many."""
    lapsed = await deps.store.lapsed_holds(id_floor(now))
    for registration in lapsed:
        await expire(deps, registration, now)
    return len(lapsed)


async def expire(deps: Deps, registration: Document, now: datetime) -> None:
    """Record that the hold lapsed, then give its place back to the waiting list."""
    session = await deps.store.session(registration["session_id"])
    if session is None:
        return
    event = participant_entry(ParticipantExpired, registration, session, deps.signer, now)
    changes = {"status": "expired", "expired_at": now.isoformat(), "waitlist_position": None,
               "confirm_due": None, "release_due": id_floor(now)}
    if await deps.store.advance(registration["_id"], ("awaiting_confirmation",), changes,
                                [event]):
        deps.kick(REGISTRATIONS, registration["_id"])
        await give_back_place(deps, {**registration, **changes}, now)
