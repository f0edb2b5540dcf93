"""The sweeper: finishing every transition that a crash interrupted between two writes.

Each transition that takes several writes is ordered so that whatever prefix of it is done,
the ledger's seats include every confirmed registration (never one seat for two people), and
what is left can be told from the documents:

- registering, and placing an approved registration: the registration is `received` (with
  `approved_at` once approved) until the ledger has placed it; `finish_stuck` places it again,
  which finds the place it already has, and writes its status and event.
- promoting a waiter: the ledger moves the waiter into the seat first, so someone `waitlisted`
  who holds a seat is a promotion to record (`repair_promotions`); a seat left free with people
  waiting (a crash before `fill_free_seats`) is offered to them.
- cancelling a registration, or expiring one whose address was not confirmed in time: its
  status and event come first, with `release_due`; the place is given back after
  (`finish_releases`).
- confirming an address when no place is held (an approval follows): the registration is
  `received` again, confirmed, and `finish_stuck` places it or sends it for approval.
- cancelling a session: the session first, with `participants_due`; then each registration
  (`finish_session_cancellations`).

Expiring holds is not a repair but this sweep's own job (`expire_lapsed_holds`): a hold ends
at its deadline, whoever notices it first.

Every write is conditional and every event id fixed per registration and kind, so a step that
the sweeper, a retry and another replica all redo happens once and is announced once (the
embedded stand-in may also leave a write's event without its change: redone, it is the same).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.registration.events import participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.expiry import expire_lapsed_holds
from services.registration.handlers.placing import (
    fill_free_seats,
    give_back_place,
    mark_promoted,
    place_received,
)
from services.registration.handlers.session_cancelled import when_session_is_cancelled
from shared.contracts.registration.events import ParticipantCancelled


async def sweep(deps: Deps, now: datetime, older_than: timedelta) -> int:
    """Finish whatever was interrupted more than `older_than` ago; how many were found."""
    return (await finish_stuck(deps, now, older_than)
            + await expire_lapsed_holds(deps, now)
            + await finish_releases(deps, now, older_than)
            + await finish_session_cancellations(deps, now, older_than)
            + await repair_promotions(deps, now))


async def finish_stuck(deps: Deps, now: datetime, older_than: timedelta) -> int:
    """Complete registrations left `received` by a crash; how many."""
    stuck = await deps.store.stuck_received(now - older_than)
    for registration in stuck:
        session = await deps.store.session(registration["session_id"])
        if session is not None and session["status"] == "cancelled":
            # Never placed nor mailed, unless approved (then told it was pending).
            told = registration.get("approved_at") is not None
            events = [participant_entry(ParticipantCancelled, registration, session,
                                        deps.signer, now, cancelled_by="session_cancelled")]
            await deps.store.advance(registration["_id"], ("received",),
                                     {"status": "cancelled"}, events if told else [])
        elif session is not None:
            await place_received(deps, registration, session, now)
    return len(stuck)


async def finish_releases(deps: Deps, now: datetime, older_than: timedelta) -> int:
    """Give back the places of cancellations interrupted before they did; how many."""
    due = await deps.store.releases_due(now - older_than)
    for registration in due:
        await give_back_place(deps, registration, now)
    return len(due)


async def finish_session_cancellations(deps: Deps, now: datetime,
                                       older_than: timedelta) -> int:
    """Cancel the participants of cancelled sessions that an interruption left; how many
    sessions."""
    due = await deps.store.session_cancellations_due(now - older_than)
    for session in due:
        await when_session_is_cancelled(deps, session, now)
    return len(due)


async def repair_promotions(deps: Deps, now: datetime) -> int:
    """Record promotions whose ledger move happened but whose status write did not, then
    offer seats left free to the waiting lists; how many people this moved."""
    repaired = 0
    for session in await deps.store.running_sessions(now):
        for stuck in await deps.store.waitlisted_in_seats(session):
            await mark_promoted(deps, stuck, session, now)
            repaired += 1
        if session["waiting"]:
            repaired += await fill_free_seats(deps, session["_id"], now, session)
    return repaired
