"""Confirming an address from the mail (releasing the places of those never confirmed is
expiry.py's).

In a session with `hold_until_confirmed`, a new registration is placed as usual but recorded
`awaiting_confirmation` (`placing.place_received`): its seat or waiting-list place is kept for
it, and nobody is sent the join URL. Then either:

- the mailed link confirms it: ONE conditional write gives it the status of the place the
  ledger holds for it (a seat: confirmed, mailed with the join URL; the waiting list: waitlisted
  at its rank now) with that status's event. With no place held (an approval follows), the
  write records the confirmation and goes back to `received`, and it is placed or sent to the
  secretariat like a new registration: a crash there leaves it `received` for the sweeper.
- or the deadline passes: the sweeper records `expired` with its event and `release_due` in
  one write, then gives the place back (to the waiting list) as a cancellation does; a crash
  in between is finished by `finish_releases` (expiry.py, recovery.py).

Both writes expect `awaiting_confirmation`, so a confirmation racing the expiry, or two
confirmations, take effect once; every event id is fixed per registration and kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain import registrations as transitions
from services.registration.domain.errors import Refusal
from services.registration.domain.ledger import holds_a_seat, place_held
from services.registration.domain.registrations import (
    confirmed_then_interrupted,
    hold_to_confirm,
)
from services.registration.events import STATUS_EVENT, participant_entry
from services.registration.handlers import Deps, registration_of
from services.registration.handlers.placing import mark_promoted, place_received
from services.registration.views import registered_view
from shared.contracts.registration.rpc import Registered
from shared.db import Document


async def confirm(deps: Deps, registration_id: str, now: datetime) -> Registered:
    """Confirm the address of a registration holding its place until then; confirming
    again (or after it changed otherwise) changes nothing and shows it as it is."""
    registration = await registration_of(deps, registration_id)
    if confirmed_then_interrupted(registration):
        return await _place(deps, registration, now)
    if hold_to_confirm(registration, now) is None:
        return registered_view(registration, created=False)
    session = await deps.store.session(registration["session_id"])
    if session is None or session["status"] != "published":
        raise Refusal("conflict", "The session is no longer open.")
    confirmed = transitions.address_confirmed(now)
    held = place_held(session, registration_id)
    if held is None:  # nothing held: an approval follows, or a setting changed meanwhile
        if await deps.store.advance(registration_id, ("awaiting_confirmation",),
                                    {**confirmed, "status": "received"}, []):
            return await _place(deps, {**registration, **confirmed, "status": "received"}, now)
        return registered_view(await registration_of(deps, registration_id), created=False)
    status, position = held
    extra: dict[str, Any] = {"waitlist_position": position} if position is not None else {}
    event = participant_entry(STATUS_EVENT[status], registration, session, deps.signer, now,
                              **extra)
    changes = {**confirmed, "status": status, "waitlist_position": position}
    if await deps.store.advance(registration_id, ("awaiting_confirmation",), changes, [event]):
        deps.kick_registration(registration_id)
        if status == "waitlisted":
            await _moved_up_meanwhile(deps, {**registration, **changes}, now)
    return registered_view(await registration_of(deps, registration_id), created=False)


async def _place(deps: Deps, registration: Document, now: datetime) -> Registered:
    session = await deps.store.session(registration["session_id"])
    if session is None:
        raise Refusal("not_found", "There is no such session.")
    placed = await place_received(deps, registration, session, now, fresh=False)
    return placed.model_copy(update={"created": False})


async def _moved_up_meanwhile(deps: Deps, registration: Document, now: datetime) -> None:
    """A waiter promoted into the seat it holds while it still awaited confirmation is
    confirmed now (else the sweeper's `repair_promotions` would, later)."""
    session = await deps.store.session(registration["session_id"])
    if session is not None and holds_a_seat(session, registration["_id"]):
        await mark_promoted(deps, registration, session, now)
