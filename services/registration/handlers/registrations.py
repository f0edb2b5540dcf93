"""Registering and cancelling participants.

A registration is first inserted as `received`: the unique (session_id, email_key) index
decides the race between two submissions of one address before any seat is claimed. Then the
ledger places it (seats.py), then ONE conditional update sets its status together with its
event (`received` -> confirmed/waitlisted/pending, or `awaiting_confirmation` in a session that
holds places until the address is confirmed: see confirmation.py). A crash between the steps
leaves it `received`; the sweeper (recovery.py) completes it, and because placing is idempotent
the outcome is the same as if nothing had happened.

An address that is already registered gets no answer about that registration: whoever typed
it may not be its owner. The owner is mailed instead (already_registered.py).

Cancelling goes the other way round: the registration's status and event first, its place in
the ledger after (see `cancel`). Either way the ledger's seats always include every confirmed
registration, so an interruption can leave a seat unused for a while, never one seat twice.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from services.registration.domain.rules import (
    awaits_approval,
    awaits_confirmation,
    email_key,
    may_register_again,
    registration_has_ended,
)
from services.registration.events import STATUS_EVENT, participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.admission import admitting_session
from services.registration.handlers.already_registered import tell_owner
from services.registration.handlers.holds import deadline_of, hold_terms
from services.registration.handlers.seats import (
    SessionChanged,
    fill_free_seats,
    give_back_place,
    place,
)
from services.registration.ids import id_floor, new_id
from services.registration.store import REGISTRATIONS as REGISTRATION_DOCUMENTS
from services.registration.views import participant_page
from shared.bus import ServiceError
from shared.contracts.registration import (
    ParticipantCancelled,
    ParticipantPage,
    Registered,
    RegisterReply,
    RegistrationForm,
)
from shared.db import Document
from shared.metrics import REGISTRATIONS
from shared.reference import is_member_state, region_of

MAX_ADMISSIONS = 5
"""Fresh admissions of one registration whose session keeps changing before it is placed."""


async def register(deps: Deps, session_id: str, form: RegistrationForm,
                   now: datetime) -> RegisterReply:
    """Register a person; for an address already registered, mail its owner and say nothing
    more. Someone who cancelled (or let a hold expire) registers anew (a new registration:
    its own id, events and place)."""
    session = await admitting_session(deps, session_id, form, now)
    document = new_registration(session_id, form, now)
    existing = await _insert(deps, document, now)
    if existing is not None:
        REGISTRATIONS.add(1, {"outcome": "duplicate"})
        await tell_owner(deps, await _settled(deps, existing), now)
        return RegisterReply(created=False)
    for _ in range(MAX_ADMISSIONS):
        try:
            done = await finish(deps, document, session, now, new=True)
            return RegisterReply(created=True, registration_id=done.registration_id,
                                 status=done.status, waitlist_position=done.waitlist_position,
                                 confirm_by=done.confirm_by)
        except SessionChanged:
            try:
                session = await admitting_session(deps, session_id, form, now, fresh=True)
            except ServiceError:
                await deps.store.forget_received(document["_id"])
                raise
    raise ServiceError("unavailable", "The session is changing; try again.")


async def finish(deps: Deps, registration: Document, session: Document, now: datetime,
                 *, fresh: bool = True, new: bool = False) -> Registered:
    """Place a `received` registration and record its status with its event.

    `fresh`: `session` was read after the registration was inserted, so the ledger in it
    may serve as the first read. `new`: this request inserted the registration (with an
    empty outbox), so nothing else has placed it or queued events on it.
    """
    approving = not fresh
    ledger: Document | None = session
    placed: str | None = None
    confirming = awaits_confirmation(session, registration)
    if awaits_approval(session, registration):
        # The address is confirmed first, so the secretariat reviews only real ones.
        status, position = "awaiting_confirmation" if confirming else "pending_approval", None
    else:
        (placed, position), ledger = await place(deps, session["_id"], registration, now,
                                                 ledger=None if approving else session, new=new)
        status = "awaiting_confirmation" if confirming else placed
    changes: dict[str, Any] = {"status": status, "waitlist_position": position}
    extra: dict[str, Any] = {"waitlist_position": position} if position is not None else {}
    if confirming:
        hold_changes, hold_extra = hold_terms(deps.signer, registration, session, placed, now)
        changes.update(hold_changes)
        extra.update(hold_extra)
    event = participant_entry(STATUS_EVENT[status], registration, session, deps.signer, now,
                              **extra)
    done = await deps.store.advance(registration["_id"], ("received",), changes, [event])
    if done:
        # Still `received` until now, so this is its first event (every write that queues
        # one moves it out of `received`): when new, the relay may publish it as given.
        deps.kick(REGISTRATION_DOCUMENTS, registration["_id"], [event] if new else None)
        REGISTRATIONS.add(1, {"outcome": status})
    # A seat may have been freed between our reading "full" (maybe a remembered summary)
    # and joining the list; if someone moved up, it may be this very person.
    moved = placed == "waitlisted" and await fill_free_seats(deps, session["_id"], now, ledger)
    current = {**registration, **changes} if done and not moved else \
        await deps.store.registration(registration["_id"])
    return view_of(current or {**registration, **changes}, created=True)


async def cancel(deps: Deps, registration_id: str, by: str, now: datetime) -> Registered:
    """Cancel a registration or leave the waiting list; a second cancel changes nothing.

    One conditional write records the cancellation with its event (fixed id) and
    `release_due`; the place is given back after it. A crash in between leaves the place
    held by nobody for a while, never given twice, and the sweeper gives it back; a
    concurrent or repeated cancel finds the registration cancelled and helps finish.
    """
    for _ in range(10):
        registration = await registration_of(deps, registration_id)
        status = registration["status"]
        if registration_has_ended(status):
            if registration.get("release_due") is not None:
                await give_back_place(deps, registration, now)
            return view_of(registration, created=False)
        if status == "received":
            raise ServiceError("conflict", "The registration is still being processed.")
        session = await deps.store.session(registration["session_id"])
        assert session is not None
        event = participant_entry(ParticipantCancelled, registration, session, deps.signer,
                                  now, cancelled_by=by)
        changes = {"status": "cancelled", "cancelled_at": now.isoformat(),
                   "waitlist_position": None, "release_due": id_floor(now)}
        if await deps.store.advance(registration_id, (status,), changes, [event]):
            deps.kick(REGISTRATION_DOCUMENTS, registration_id)
            await give_back_place(deps, {**registration, **changes}, now)
            return view_of({**registration, **changes}, created=False)
    raise ServiceError("unavailable", "The registration is changing; try again.")


async def describe(deps: Deps, registration_id: str, now: datetime) -> ParticipantPage:
    """The registration as its holder sees it. Changes nothing: mail scanners open links."""
    registration = await registration_of(deps, registration_id)
    session = await deps.store.session(registration["session_id"])
    if session is None:
        raise ServiceError("not_found", f"There is no registration {registration_id!r}.")
    return participant_page(registration, session, now)


async def _insert(deps: Deps, document: Document, now: datetime) -> Document | None:
    """Insert; None if it went in, else the registration the address already has. A
    cancelled one gives back its place if it still held one, then its address."""
    for _ in range(MAX_ADMISSIONS):
        existing = await deps.store.insert_registration(document)
        if existing is None or not may_register_again(existing["status"]):
            return existing
        if existing.get("release_due") is not None:
            await give_back_place(deps, existing, now)  # nobody holds two places
        await deps.store.retire_email(existing)
    raise ServiceError("unavailable", "The registration is changing; try again.")


def new_registration(session_id: str, form: RegistrationForm, now: datetime) -> Document:
    country = form.country.upper()
    return {
        "_id": new_id(now), "session_id": session_id, "email_key": email_key(form.email),
        "status": "received", "name": form.name, "email": form.email, "country": country,
        "member_state": is_member_state(country), "region": region_of(country),
        "institution": form.institution, "sector": form.sector, "job_title": form.job_title,
        "gender": form.gender, "preferred_language": form.preferred_language,
        "consent_at": now, "accessibility_needs": form.accessibility_needs,
        "registered_at": now, "waitlist_position": None, "promoted_at": None,
        "attendance": None, "attendance_minutes": None, "anonymized": False,
        "approved_at": None, "release_due": None, "confirm_due": None, "outbox": [],
    }


def view_of(registration: Document, *, created: bool) -> Registered:
    return Registered(registration_id=registration["_id"], status=registration["status"],
                      waitlist_position=registration.get("waitlist_position"), created=created,
                      confirm_by=deadline_of(registration))


async def _settled(deps: Deps, registration: Document) -> Document:
    """The registration once its concurrent first request has placed it (bounded wait)."""
    for _ in range(50):
        if registration["status"] != "received":
            break
        await asyncio.sleep(0.05)
        registration = await registration_of(deps, registration["_id"])
    return registration


async def registration_of(deps: Deps, registration_id: str) -> Document:
    registration = await deps.store.registration(registration_id)
    if registration is None:
        raise ServiceError("not_found", f"There is no registration {registration_id!r}.")
    return registration
