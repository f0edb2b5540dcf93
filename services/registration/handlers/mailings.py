"""The secretariat writes to a session's registrants, or announces a session to subscribers.

Registration decides who is reached (its own registrations, as they stand now) and records
the message with its events in one insert; notify mails from the events. The message's id is
stable (the gateway derives it from the request's `Idempotency-Key`), so pressing the button
twice finds the first record and queues nothing more.
"""

from __future__ import annotations

import logging
from datetime import datetime

from services.registration.domain.errors import Refusal
from services.registration.domain.mailings import (
    announcement_key,
    counts_by_status,
    message_key,
    reachable,
    refuse_unless_announceable,
    refuse_unless_messageable,
)
from services.registration.handlers import Deps, session_of
from services.registration.mailing_events import message_queued, session_announced
from services.registration.store.mailings import MAILINGS, Mailings
from shared.contracts.registration.messages import SendMessage
from shared.db import Document

log = logging.getLogger(__name__)


async def send_message(deps: Deps, mailings: Mailings, request: SendMessage,
                       now: datetime) -> Document:
    """Record the message and queue its mail to the registrants of the chosen statuses;
    the same message id again answers the first record."""
    key = message_key(request.message_id)
    if (known := await mailings.get(key)) is not None:
        return _same_session(known, request.session_id)
    session = await session_of(deps, request.session_id)
    refuse_unless_messageable(session)
    people = [r for r in await mailings.registrants(session["_id"], request.draft.statuses)
              if reachable(r)]
    events = message_queued(request.message_id, session, request.draft, people, now)
    draft = request.draft
    record = {"_id": key, "kind": "message", "message_id": request.message_id,
              "session_id": session["_id"], "subject": draft.subject.model_dump(exclude_none=True),
              "statuses": list(draft.statuses), "recipients": len(people),
              "by_status": counts_by_status(people), "created_at": now, "outbox": events}
    if not await mailings.insert_once(record):  # the same press, a moment earlier
        return _same_session(await _get(mailings, key), request.session_id)
    deps.kick(MAILINGS, key, events)
    log.info("session message queued", extra={"session_id": session["_id"],
                                               "recipients": len(people)})
    return record


async def list_messages(deps: Deps, mailings: Mailings, session_id: str) -> list[Document]:
    """A session's messages, newest first (refused if there is no such session)."""
    await session_of(deps, session_id)
    return await mailings.messages_of(session_id)


async def announce(deps: Deps, mailings: Mailings, session_id: str, now: datetime
                   ) -> Document:
    """Queue the announcement of a published session to subscribers; once per session (a
    second request is refused as a conflict)."""
    session = await session_of(deps, session_id)
    refuse_unless_announceable(session, now)
    event = session_announced(session, now)
    key = announcement_key(session_id)
    record = {"_id": key, "kind": "announcement", "session_id": session_id,
              "created_at": now, "outbox": [event]}
    if not await mailings.insert_once(record):
        raise Refusal("conflict", "This session was announced already.")
    deps.kick(MAILINGS, key, [event])
    return record


def _same_session(record: Document, session_id: str) -> Document:
    if record["session_id"] != session_id:
        raise Refusal("conflict", "This message id belongs to another session.")
    return record


async def _get(mailings: Mailings, key: str) -> Document:
    record = await mailings.get(key)
    if record is None:  # inserted by the other press, then gone: never deleted, so never
        raise Refusal("unavailable", "The message is being recorded; ask again.")
    return record
