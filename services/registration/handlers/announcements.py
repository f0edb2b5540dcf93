"""A session announced by another system becomes (or rewrites) a draft for the secretariat."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from services.registration.domain import announcements as rules
from services.registration.domain.errors import Refusal
from services.registration.handlers import Deps
from shared.contracts.registration.ingest import AnnouncedSession

Outcome = Literal["drafted", "updated", "kept"]
"""`kept`: the secretariat has edited or published the session, so its version stands."""
ATTEMPTS = 5


async def when_a_session_is_announced(deps: Deps, event_id: str, item: AnnouncedSession,
                                      now: datetime) -> tuple[str, Outcome]:
    """Insert the draft, or rewrite it while only announcements have written it."""
    session_id = rules.announced_id(item.source, item.external_id)
    for _ in range(ATTEMPTS):
        session = await deps.store.session(session_id, with_outbox=True)
        if session is None:
            origin = rules.provenance(item.source, item.external_id, event_id, now, rev=0)
            draft = rules.announced_session(session_id, item.fields, origin, now)
            if await deps.store.insert_session_once(draft):
                return session_id, "drafted"
            continue  # announced twice at once: the other delivery's draft is there now
        if not rules.announcement_may_update(session):
            return session_id, "kept"
        origin = rules.provenance(item.source, item.external_id, event_id, now, session["rev"])
        after = rules.reannounced(session, item.fields, origin, now)
        if await deps.store.replace_session(session_id, session["rev"], after):
            return session_id, "updated"
    raise Refusal("unavailable", "The session kept changing; the announcement is retried.")
