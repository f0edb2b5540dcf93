"""What the secretariat and the public site read: sessions, their lists and calendars,
and a session's registrations. Nothing here writes."""

from __future__ import annotations

from datetime import datetime

from services.registration.domain.errors import no_session
from services.registration.domain.sessions import session_position, shown
from services.registration.handlers import Deps
from services.registration.views import registration_view, session_view
from shared.contracts.registration.rpc import (
    FeedQuery,
    RegistrationPage,
    RegistrationQuery,
    SessionPage,
    SessionQuery,
)
from shared.db import Document

FEED_MAX = 200
"""Sessions in the calendar feed at most (the soonest)."""


async def session_shown(deps: Deps, session_id: str, *, include_secret: bool) -> Document:
    """A session as the caller may see it: drafts only with `include_secret`."""
    session = await deps.store.session(session_id)
    if session is None or not shown(session, include_secret=include_secret):
        raise no_session(session_id)
    return session


async def upcoming_sessions(deps: Deps, query: FeedQuery, now: datetime) -> list[Document]:
    """The calendar feed's sessions: public, published, not ended, the soonest first."""
    return await deps.store.upcoming(query, now, FEED_MAX)


async def session_page(deps: Deps, query: SessionQuery) -> SessionPage:
    """One page of sessions, and the position of its last if more may follow."""
    found = await deps.store.session_page(query)
    full = len(found) == query.limit
    last = session_position(found[-1], query.order) if full else None
    # Lists beyond the public one are the secretariat's: join URLs and provenance shown.
    secret = not query.published_only
    return SessionPage(items=[session_view(s, include_secret=secret) for s in found], last=last)


async def registration_page(deps: Deps, query: RegistrationQuery) -> RegistrationPage:
    """One page of a session's registrations, and the id of its last if more may follow."""
    country = query.country.upper() if query.country else None
    found = await deps.store.registration_page(query.session_id, query.status, query.after,
                                               query.limit, country=country)
    last = found[-1]["_id"] if len(found) == query.limit else None
    return RegistrationPage(items=[registration_view(r) for r in found], last=last)
