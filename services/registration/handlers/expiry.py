"""Holds that lapsed: a registration whose address was not confirmed by its deadline is
`expired`, and its place goes to the next person (see confirmation.py for the whole story).

The sweeper runs this (recovery.py): a hold ends at its deadline, whoever notices it first.
The write expects `awaiting_confirmation`, so a confirmation racing the expiry, or two
sweepers, take effect once; the event id is fixed per registration and kind.
"""

from __future__ import annotations

from datetime import datetime

from services.registration.domain import registrations as transitions
from services.registration.events import participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.placing import give_back_place
from shared.contracts.registration.events import ParticipantExpired
from shared.db import Document


async def expire_lapsed_holds(deps: Deps, now: datetime) -> int:
    """Expire the registrations whose address was not confirmed in time; how many."""
    lapsed = await deps.store.lapsed_holds(now)
    for registration in lapsed:
        await expire(deps, registration, now)
    return len(lapsed)


async def expire(deps: Deps, registration: Document, now: datetime) -> None:
    """Record that the hold lapsed, then give its place back to the waiting list."""
    session = await deps.store.session(registration["session_id"])
    if session is None:
        return
    event = participant_entry(ParticipantExpired, registration, session, deps.signer, now)
    changes = transitions.expired(now)
    if await deps.store.advance(registration["_id"], ("awaiting_confirmation",), changes,
                                [event]):
        deps.kick_registration(registration["_id"])
        await give_back_place(deps, {**registration, **changes}, now)
