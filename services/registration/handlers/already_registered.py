"""An address registered again: its owner is mailed, whoever typed it learns nothing.

Anyone can type anyone's address, so the answer to a repeat must not show the registration
the address has (its id, its status). Its owner is told instead, by an event that carries the
status and the owner's links (their page, and the confirm link while that is pending). The
event's id names the registration and the hour, and one conditional write records the hour
with the event: typing an address again and again queues at most one mail an hour.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain.registrations import deadline_of
from services.registration.domain.rules import hold_has_lapsed, owner_mail_slot
from services.registration.events import confirm_token, participant_entry
from services.registration.handlers import Deps
from shared.contracts.registration.events import ParticipantAlreadyRegistered
from shared.db import Document

ATTEMPTS = 3
"""Re-reads when the registration changes under us (the mail should tell the status now)."""


async def tell_owner(deps: Deps, registration: Document, now: datetime) -> None:
    """Queue the "you are already registered" mail to the owner of `registration`, unless
    one was queued this hour."""
    slot = owner_mail_slot(now)
    for _ in range(ATTEMPTS):
        if registration.get("owner_told") == slot:
            return
        session = await deps.store.session_summary(registration["session_id"])
        if session is None:
            return
        event = participant_entry(ParticipantAlreadyRegistered, registration, session,
                                  deps.signer, now, occurrence=str(slot),
                                  **_standing(deps, registration, now))
        if await deps.store.note_owner_told(registration["_id"], registration["status"],
                                            slot, event):
            deps.kick_registration(registration["_id"])
            return
        found = await deps.store.registration(registration["_id"])
        if found is None:
            return
        registration = found


def _standing(deps: Deps, registration: Document, now: datetime) -> dict[str, Any]:
    """What the mail says of the registration: its status, and how to confirm it if due."""
    standing: dict[str, Any] = {"status": registration["status"],
                                "waitlist_position": registration.get("waitlist_position")}
    confirm_by = deadline_of(registration)
    if confirm_by is not None and not hold_has_lapsed(confirm_by, now):
        standing.update(confirm_by=confirm_by,
                        confirm_token=confirm_token(deps.signer, registration, confirm_by, now))
    return standing
