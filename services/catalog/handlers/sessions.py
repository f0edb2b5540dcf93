"""What the catalog does when registration announces a session: keep its copy current."""

from __future__ import annotations

from datetime import datetime

from services.catalog.domain.sessions import SessionStatus, session_copy
from services.catalog.handlers import Deps
from shared.contracts.registration.events import SessionSnapshot


async def when_session_is_announced(deps: Deps, session: SessionSnapshot,
                                    status: SessionStatus, at: datetime) -> bool:
    """Keep the session as the event tells it, unless newer news is kept already (False)."""
    return await deps.sessions.keep(session_copy(session, status, at))
