"""Creating, changing, publishing and cancelling sessions: load, decide (domain/sessions.py),
save with the session's event, then what follows in the ledger or the registrations."""

from __future__ import annotations

from datetime import datetime

from services.registration import events
from services.registration.domain import sessions as rules
from services.registration.domain.errors import Refusal, no_session
from services.registration.handlers import Deps, session_of
from services.registration.handlers.placing import fill_free_seats
from services.registration.handlers.session_cancelled import when_session_is_cancelled
from services.registration.handlers.translations import (
    announce_edited_texts,
    publication_texts,
)
from shared.contracts.registration.rpc import SessionFields
from shared.db import Document
from shared.ids import new_id

PATCH_ATTEMPTS = 20


async def create_session(deps: Deps, fields: SessionFields, now: datetime) -> Document:
    """A draft session with an empty seat ledger."""
    document = rules.new_session(new_id(now), fields, now)
    await deps.store.insert_session(document)
    return document


async def patch_session(deps: Deps, session_id: str, fields: SessionFields, *,
                        unset_capacity: bool, force: bool, now: datetime) -> Document:
    """Change a session; a new time is a reschedule, more capacity promotes waiters.

    The whole document is replaced if its `rev` (bumped by every ledger and status change)
    is still the one read, so no concurrent seat claim is lost; a lost race tries again.
    """
    changes = rules.given(fields)
    if unset_capacity:
        changes["capacity"] = None
    for _ in range(PATCH_ATTEMPTS):
        session = await deps.store.session(session_id, with_outbox=True)
        if session is None:
            raise no_session(session_id)
        after, moved = rules.patched(session, changes, force, now)
        announced = edit_announcement(session, after, moved, now)
        if announced is not None:
            # Entries the relay removed after our read come back here; they keep their ids, so
            # JetStream's duplicate window drops the second publish.
            after["outbox"] = [*session["outbox"], announced]
        announce_edited_texts(session, after, now)
        if await deps.store.replace_session(session_id, session["rev"], after):
            deps.kick()
            await fill_free_seats(deps, session_id, now)
            return await session_of(deps, session_id)
    raise Refusal("unavailable", "The session is changing; try again.")


def edit_announcement(before: Document, after: Document, moved: bool,
                      now: datetime) -> Document | None:
    """The event an edit queues: a reschedule, or a change of a published session those who
    keep a copy of it refresh (`rules.announces_change`); none for a draft."""
    if moved:
        return events.session_rescheduled(after, before, now)
    if rules.announces_change(before, after):
        return events.session_changed(after, now)
    return None


async def publish(deps: Deps, session_id: str, now: datetime) -> Document:
    """Publish a draft (publishing a published session changes nothing)."""
    session = await session_of(deps, session_id)
    if not rules.needs_publishing(session):
        return session
    texts, announced = publication_texts(session, now)
    if await deps.store.change_status(session_id, "draft", {**rules.published(now), **texts},
                                      [events.session_published(session, now), announced]):
        deps.kick()
    return await session_of(deps, session_id)


async def cancel_session(deps: Deps, session_id: str, reason: str, now: datetime) -> Document:
    """Cancel a session, then every active registration, each with its own event.

    The session's write records `participants_due` with its own event; the registrations
    follow, each in one conditional write with a fixed event id. If that is interrupted, the
    sweeper (or cancelling again) finishes it, and nobody is told twice.
    """
    session = await session_of(deps, session_id)
    if session["status"] != "cancelled":
        await deps.store.change_status(session_id, session["status"],
                                       rules.cancelled(reason, now),
                                       [events.session_cancelled(session, reason, now)])
    await when_session_is_cancelled(deps, {**session, "status": "cancelled"}, now)
    deps.kick()
    return await session_of(deps, session_id)
