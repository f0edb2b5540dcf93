"""Registering and cancelling participants.

A registration is first inserted as `received`: the unique (session_id, email_key) index
decides the race between two submissions of one address before any seat is claimed. Then the
ledger places it and ONE conditional update sets its status together with its event
(`received` -> confirmed/waitlisted/pending, or `awaiting_confirmation` in a session that
holds places until the address is confirmed: see confirmation.py), both in
`placing.place_received`. A crash between the steps leaves it `received`; the sweeper
(recovery.py) completes it, and because placing is idempotent the outcome is the same as if
nothing had happened.

An address that is already registered gets no answer about that registration: whoever typed
it may not be its owner. The owner is mailed instead (already_registered.py).

Cancelling goes the other way round: the registration's status and event first, its place in
the ledger after (see `cancel`). Either way the ledger's seats always include every confirmed
registration, so an interruption can leave a seat unused for a while, never one seat twice.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from services.registration.domain import registrations as transitions
from services.registration.domain.errors import Refusal, no_registration
from services.registration.domain.registrations import registration_document
from services.registration.domain.rules import may_register_again, registration_has_ended
from services.registration.events import participant_entry
from services.registration.handlers import Deps, registration_of
from services.registration.handlers.admission import admitting_session
from services.registration.handlers.already_registered import tell_owner
from services.registration.handlers.invitations import admitting_invitation, note_used
from services.registration.handlers.placing import SessionChanged, give_back_place, place_received
from services.registration.metrics import REGISTRATIONS
from services.registration.views import participant_page, registered_view
from shared.contracts.registration.events import ParticipantCancelled
from shared.contracts.registration.rpc import (
    ParticipantPage,
    Registered,
    RegisterReply,
    RegistrationForm,
)
from shared.db import Document
from shared.ids import new_id

MAX_ADMISSIONS = 5
"""Fresh admissions of one registration whose session keeps changing before it is placed."""


async def register(deps: Deps, session_id: str, form: RegistrationForm,
                   now: datetime) -> RegisterReply:
    """Register a person; for an address already registered, mail its owner and say nothing
    more. Someone who cancelled (or let a hold expire) registers anew (a new registration:
    its own id, events and place)."""
    session = await admitting_session(deps, session_id, form, now)
    invitation = await admitting_invitation(deps, session, form.invitation_token, form.email,
                                            now)
    document = new_registration(session_id, form, now)
    if invitation is not None:
        document["invitation_id"] = invitation["_id"]
    existing = await _insert(deps, document, now)
    if existing is not None:
        REGISTRATIONS.add(1, {"outcome": "duplicate"})
        await tell_owner(deps, await _settled(deps, existing), now)
        return RegisterReply(created=False)
    for _ in range(MAX_ADMISSIONS):
        try:
            done = await place_received(deps, document, session, now, new=True)
            await note_used(deps, invitation, done.registration_id, form.email, now)
            return RegisterReply(created=True, registration_id=done.registration_id,
                                 status=done.status, waitlist_position=done.waitlist_position,
                                 confirm_by=done.confirm_by)
        except SessionChanged:
            try:
                session = await admitting_session(deps, session_id, form, now, fresh=True)
            except Refusal:
                await deps.store.forget_received(document["_id"])
                raise
    raise Refusal("unavailable", "The session is changing; try again.")


def new_registration(session_id: str, form: RegistrationForm, now: datetime) -> Document:
    """A registration received at `now`, with a fresh id."""
    return registration_document(new_id(now), session_id, form, now)


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
            return registered_view(registration, created=False)
        if status == "received":
            raise Refusal("conflict", "The registration is still being processed.")
        session = await deps.store.session(registration["session_id"])
        assert session is not None
        if by == "participant" and now >= session["ends_at"]:
            # The mailed link outlives the session (its certificate is downloaded with it);
            # cancelling then would only erase the attendance from the record.
            raise Refusal("conflict", "The session is over; the registration stays.")
        event = participant_entry(ParticipantCancelled, registration, session, deps.signer,
                                  now, cancelled_by=by)
        changes = transitions.withdrawn(now)
        if await deps.store.advance(registration_id, (status,), changes, [event]):
            deps.kick_registration(registration_id)
            await give_back_place(deps, {**registration, **changes}, now)
            return registered_view({**registration, **changes}, created=False)
    raise Refusal("unavailable", "The registration is changing; try again.")


async def describe(deps: Deps, registration_id: str, now: datetime) -> ParticipantPage:
    """The registration as its holder sees it. Changes nothing: mail scanners open links."""
    registration = await registration_of(deps, registration_id)
    session = await deps.store.session(registration["session_id"])
    if session is None:
        raise no_registration(registration_id)
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
    raise Refusal("unavailable", "The registration is changing; try again.")


async def _settled(deps: Deps, registration: Document) -> Document:
    """The registration once its concurrent first request has placed it (bounded wait)."""
    for _ in range(50):
        if registration["status"] != "received":
            break
        await asyncio.sleep(0.05)
        registration = await registration_of(deps, registration["_id"])
    return registration

