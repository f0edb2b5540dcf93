"""Placing people in seats or on the waiting list, promoting from it, giving places back.

Each ledger step is one conditional update of the session (store/ledger.py), so capacity and
quotas hold under any concurrency, across replicas. A lost race re-reads the ledger and tries
again. Every path that may free a seat or add a waiter ends with `fill_free_seats`, which moves
the first waiter into a free seat one at a time: the waiter is pulled from `waiting` in the same
update that takes the seat, so two promoters cannot promote the same person, nor one person
twice; someone who cancelled is no longer in `waiting` and is never offered a seat again.
Nobody new takes a general seat while anyone waits (`newcomer_must_wait`, and the write's guard
that the list is empty), so a seat given back between a release and its `fill_free_seats` is
not taken from the first waiter by a registration racing in.

`place_received` is the one way a `received` registration gets its status: registering,
approving, confirming an address and the sweeper all end there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain import registrations as transitions
from services.registration.domain.errors import Refusal, no_session
from services.registration.domain.ledger import Placement, may_have_a_seat, place_held
from services.registration.domain.rules import (
    awaits_approval,
    awaits_confirmation,
    lost_only_to_a_full_ledger,
    newcomer_must_wait,
    seat_claim_for,
)
from services.registration.events import STATUS_EVENT, held_extra, participant_entry
from services.registration.handlers import Deps
from services.registration.metrics import REGISTRATIONS
from services.registration.views import registered_view
from shared.contracts.registration.events import ParticipantPromoted
from shared.contracts.registration.rpc import Registered
from shared.db import Document

MAX_ATTEMPTS = 200


class SessionChanged(Exception):
    """The session is no longer published with the settings a new registration was admitted
    under (read, or remembered, before it was inserted): admit it again on a fresh read."""


async def place_received(deps: Deps, registration: Document, session: Document, now: datetime,
                         *, fresh: bool = True, new: bool = False) -> Registered:
    """Place a `received` registration and record its status with its event.

    `fresh`: `session` was read after the registration was inserted, so the ledger in it
    may serve as the first read. `new`: this request inserted the registration (with an
    empty outbox), so nothing else has placed it or queued events on it.
    """
    ledger: Document | None = session
    placed: str | None = None
    confirming = awaits_confirmation(session, registration)
    if awaits_approval(session, registration):
        # The address is confirmed first, so the secretariat reviews only real ones.
        status, position = "awaiting_confirmation" if confirming else "pending_approval", None
    else:
        (placed, position), ledger = await place(deps, session["_id"], registration, now,
                                                 ledger=session if fresh else None, new=new)
        status = "awaiting_confirmation" if confirming else placed
    changes = transitions.placed(status, position)
    extra: dict[str, Any] = {"waitlist_position": position} if position is not None else {}
    if confirming:
        hold, confirm_by = transitions.held(registration["registered_at"], session)
        changes.update(hold)
        extra.update(held_extra(deps.signer, registration, confirm_by, placed, now))
    event = participant_entry(STATUS_EVENT[status], registration, session, deps.signer, now,
                              **extra)
    done = await deps.store.advance(registration["_id"], ("received",), changes, [event])
    if done:
        # Still `received` until now, so this is its first event (every write that queues
        # one moves it out of `received`): when new, the relay may publish it as given.
        deps.kick_registration(registration["_id"], [event] if new else None)
        REGISTRATIONS.add(1, {"outcome": status})
    # A seat may have been freed between our reading "full" (maybe a remembered summary)
    # and joining the list; if someone moved up, it may be this very person.
    moved = placed == "waitlisted" and await fill_free_seats(deps, session["_id"], now, ledger)
    current = {**registration, **changes} if done and not moved else \
        await deps.store.registration(registration["_id"])
    return registered_view(current or {**registration, **changes}, created=True)


async def place(deps: Deps, session_id: str, registration: Document, now: datetime,
                ledger: Document | None = None, *, new: bool = False
                ) -> tuple[Placement, Document]:
    """A seat if the ledger has one for this person, else a place on the waiting list.

    Idempotent: a registration already in the ledger keeps its place (a sweeper may finish a
    registration whose first attempt crashed after claiming). `ledger` is a read of the
    session to start from; the session as last seen comes back with the placement. A session
    that is no longer published places no one: the registration stays `received` for the
    sweeper (which cancels it with its session).

    `new`: the registration was inserted by this very request, so nothing can have placed it
    yet; the ledger is then read without its id lists (`Store.session_summary`), and the
    conditional updates' membership guards still stop any double placement. `ledger` may
    then be remembered rather than read: the guards expect its `quotas_rev`, and a changed
    one raises SessionChanged.
    """
    reg_id, summary = registration["_id"], new
    admitted = ledger["quotas_rev"] if new and ledger is not None else None
    for _ in range(MAX_ATTEMPTS):
        session = ledger or await _ledger(deps, session_id, summary=summary)
        ledger = None
        if admitted is not None and (session["quotas_rev"] != admitted
                                     or session["status"] != "published"):
            raise SessionChanged
        if session["status"] != "published":
            raise Refusal("conflict", f"The session is {session['status']}.")
        if (held := place_held(session, reg_id)) is not None:
            return held, session
        claim = seat_claim_for(session.get("capacity"), session["confirmed"],
                               session.get("quota_used", {}), session.get("country_quotas", []),
                               registration["country"], now)
        if claim is not None and not newcomer_must_wait(claim, len(session.get("waiting", ()))):
            if await deps.store.take_seat(session, reg_id, claim):
                return ("confirmed", None), session
            if not lost_only_to_a_full_ledger(claim):
                summary = False  # maybe because people wait (a summary does not list them)
                continue
            # The seats went, or people wait: the waiting list is this person's place either
            # way, and re-reading the whole ledger first would cost a command per lost race.
            # A seat freed meanwhile goes to the first waiter (`fill_free_seats` after this).
        after = await deps.store.join_waitlist(session, reg_id)
        if after is not None:
            return ("waitlisted", int(after["waitlist_next"])), after
    raise Refusal("unavailable", "The session is too busy right now; try again.")


async def fill_free_seats(deps: Deps, session_id: str, now: datetime,
                          ledger: Document | None = None) -> int:
    """Promote waiters, first come first served, while seats are free; how many moved.

    `ledger` may be a read of the session made after the change that calls for this, whole
    or as a summary (then the waiting list is read only if a seat may be free).
    """
    promoted = 0
    for _ in range(MAX_ATTEMPTS):
        session = ledger or await _ledger(deps, session_id)
        ledger = None
        if session["status"] != "published" or not may_have_a_seat(session, now):
            break
        if "waiting" not in session:
            continue  # a summary: read the whole ledger
        if not session["waiting"]:
            break
        first = await deps.store.registration(session["waiting"][0])
        if first is None:  # cannot happen unless data was edited by hand; skip it
            await deps.store.release(session_id, session["waiting"][0], "")
            continue
        claim = seat_claim_for(session.get("capacity"), session["confirmed"],
                               session.get("quota_used", {}), session.get("country_quotas", []),
                               first["country"], now)
        if claim is None:
            break
        if await deps.store.take_seat(session, first["_id"], claim, from_waiting=True):
            await mark_promoted(deps, first, session, now)
            promoted += 1
    return promoted


async def give_back_place(deps: Deps, registration: Document, now: datetime) -> None:
    """Finish a cancellation recorded with `release_due`: give back the place it held, offer
    the seat to the waiting list, then note it done. Every step is guarded by the ledger, so a
    second cancel, another replica or the sweeper may run this again at any point."""
    session_id = registration["session_id"]
    await deps.store.release(session_id, registration["_id"], registration["country"])
    await fill_free_seats(deps, session_id, now)
    await deps.store.note_place_given_back(registration["_id"])


async def mark_promoted(deps: Deps, registration: Document, session: Document,
                        now: datetime) -> None:
    """Record the promotion and its event once (the ledger move happened already). A
    registration still awaiting the confirmation of its address is not promoted: it holds
    the seat, and confirming takes it (confirmation.py)."""
    event = participant_entry(ParticipantPromoted, registration, session, deps.signer, now)
    # "received": the registrant's own request may not have recorded its waitlist place yet;
    # unless it is to be confirmed first (it will be recorded `awaiting_confirmation`).
    early = () if awaits_confirmation(session, registration) else ("received",)
    done = await deps.store.transition(registration["_id"], ("waitlisted", *early),
                                       transitions.promoted(now), [event])
    if done is not None:
        deps.kick()


async def _ledger(deps: Deps, session_id: str, *, summary: bool = False) -> Document:
    store = deps.store
    session = await (store.session_summary(session_id) if summary else store.session(session_id))
    if session is None:
        raise no_session(session_id)
    return session
