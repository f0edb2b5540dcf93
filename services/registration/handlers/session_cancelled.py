"""When a session is cancelled, so is every registration still holding or awaiting a place in
it, each in one conditional write with its own event (a fixed id per registration and kind).

Run right after the session's own write (sessions.py), and by the sweeper for a cancellation
that this was interrupted in (`participants_due`, recovery.py): whoever runs it again tells
nobody twice.
"""

from __future__ import annotations

from datetime import datetime

from services.registration.domain import registrations as transitions
from services.registration.events import participant_entry
from services.registration.handlers import Deps
from shared.contracts.registration.events import ParticipantCancelled
from shared.db import Document


async def when_session_is_cancelled(deps: Deps, session: Document, now: datetime) -> None:
    """Cancel every active registration of the cancelled `session`, then note it done."""
    for registration in await deps.store.active_registrations(session["_id"]):
        mail = participant_entry(ParticipantCancelled, registration, session, deps.signer,
                                 now, cancelled_by="session_cancelled")
        await deps.store.advance(registration["_id"], (registration["status"],),
                                 transitions.cancelled_with_session(now), [mail])
    await deps.store.note_participants_cancelled(session["_id"])
