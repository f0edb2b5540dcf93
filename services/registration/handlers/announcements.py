"""A session or an event announced by another system becomes (or rewrites) a draft for the
secretariat; once the secretariat has edited or published it, its version stands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal

from services.registration.domain import Document
from services.registration.domain import announcements as rules
from services.registration.domain.errors import Refusal
from services.registration.domain.gatherings import new_gathering
from services.registration.domain.sessions import new_session
from services.registration.handlers import Deps
from services.registration.handlers.gatherings import refuse_unknown_series
from shared.contracts.registration.ingest import AnnouncedEvent, AnnouncedSession

Outcome = Literal["drafted", "updated", "kept"]
"""`kept`: the secretariat has edited or published it, so its version stands."""
ATTEMPTS = 5


class Drafts:
    """Where one kind of announced draft is read and written."""

    def __init__(self, read: Callable[[str], Awaitable[Document | None]],
                 insert_once: Callable[[Document], Awaitable[bool]],
                 replace: Callable[[str, int, Document], Awaitable[bool]]) -> None:
        self.read, self.insert_once, self.replace = read, insert_once, replace


async def when_a_session_is_announced(deps: Deps, event_id: str, item: AnnouncedSession,
                                      now: datetime) -> tuple[str, Outcome]:
    """A draft session; one naming an event not announced yet waits for it (retried)."""
    event = item.fields.event_id
    if event is not None and await deps.store.gathering(event) is None:
        raise Refusal("unavailable", "The session's event is not known yet.")
    session_id = rules.announced_id(item.source, item.external_id)
    drafts = Drafts(lambda i: deps.store.session(i, with_outbox=True),
                    deps.store.insert_session_once, deps.store.replace_session)
    return session_id, await _draft(drafts, session_id, lambda: new_session(
        session_id, item.fields, now), item, event_id, now)


async def when_an_event_is_announced(deps: Deps, event_id: str, item: AnnouncedEvent,
                                     now: datetime) -> tuple[str, Outcome]:
    """A draft event (an edition names a series that must exist, as on `/v1/events`)."""
    gathering_id = rules.announced_event_id(item.source, item.external_id)
    fresh = new_gathering(gathering_id, item.fields, now)
    await refuse_unknown_series(deps, fresh)
    drafts = Drafts(deps.store.gathering, deps.store.insert_gathering_once,
                    deps.store.replace_gathering)
    return gathering_id, await _draft(drafts, gathering_id, lambda: new_gathering(
        gathering_id, item.fields, now), item, event_id, now)


async def _draft(drafts: Drafts, draft_id: str, fresh: Callable[[], Document],
                 item: AnnouncedSession | AnnouncedEvent, event_id: str,
                 now: datetime) -> Outcome:
    """Insert the draft, or rewrite it while only announcements have written it."""
    for _ in range(ATTEMPTS):
        existing = await drafts.read(draft_id)
        if existing is None:
            origin = rules.provenance(item.source, item.external_id, event_id, now, rev=0)
            if await drafts.insert_once({**fresh(), "provenance": origin}):
                return "drafted"
            continue  # announced twice at once: the other delivery's draft is there now
        if not rules.announcement_may_update(existing):
            return "kept"
        origin = rules.provenance(item.source, item.external_id, event_id, now,
                                  existing["rev"])
        if await drafts.replace(draft_id, existing["rev"],
                                rules.reannounced(existing, fresh(), origin)):
            return "updated"
    raise Refusal("unavailable", "The draft kept changing; the announcement is retried.")
