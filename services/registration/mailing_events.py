"""The secretariat's mail as events: a message's recipients in batches, and a session's
announcement. Beside `events.py` (which turns sessions and registrations into contracts) and
built with its helpers; ids are fixed, so a redone write queues the same events."""

from __future__ import annotations

from datetime import datetime

from services.registration.domain.mailings import batches
from services.registration.events import entry, snapshot
from shared.contracts.registration.messages import (
    BATCH_SIZE,
    MessageDraft,
    MessageRecipient,
    SessionAnnounced,
    SessionMessageQueued,
)
from shared.db import Document


def recipient_of(registration: Document) -> MessageRecipient:
    """What notify needs to mail one registrant."""
    return MessageRecipient(
        registration_id=registration["_id"], name=registration.get("name") or "",
        email=registration["email"], preferred_language=registration["preferred_language"],
        status=registration["status"])


def message_queued(message_id: str, session: Document, draft: MessageDraft,
                   registrations: list[Document], now: datetime) -> list[Document]:
    """One event per batch of recipients (`BATCH_SIZE`), ids `<message>-batch-<n>`."""
    groups = batches([recipient_of(r) for r in registrations], BATCH_SIZE)
    texts = {"subjects": draft.subject.model_dump(exclude_none=True),
             "bodies": draft.body.model_dump(exclude_none=True)}
    return [entry(SessionMessageQueued(message_id=message_id, session=snapshot(session),
                                       batch=number, batches=len(groups), recipients=group,
                                       **texts),
                  now, session["_id"], event_id=f"{message_id}-batch-{number}")
            for number, group in enumerate(groups)]


def session_announced(session: Document, now: datetime) -> Document:
    """A session is announced once: a fixed event id."""
    return entry(SessionAnnounced(session=snapshot(session)), now, session["_id"],
                 event_id=f"{session['_id']}-SessionAnnounced")
