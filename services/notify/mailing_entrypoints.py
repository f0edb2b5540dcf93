"""Registration's events about the secretariat's mail, parsed and handed to their handlers;
`entrypoints.registration_routes` adds these routes to the registration stream's consumer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.notify.handlers import session_mail
from services.notify.handlers.context import Context
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration.messages import SessionAnnounced, SessionMessageQueued

Handler = Callable[[CloudEvent], Awaitable[None]]


def mailing_routes(ctx: Context) -> dict[str, Handler]:
    """Event type -> handler, for messages to registrants and session announcements."""
    async def message(ce: CloudEvent) -> None:
        await session_mail.when_session_message_is_queued(
            ctx, SessionMessageQueued.from_cloudevent(ce))

    async def announced(ce: CloudEvent) -> None:
        await session_mail.when_session_is_announced(ctx, SessionAnnounced.from_cloudevent(ce))

    return {SessionMessageQueued.subject(): message, SessionAnnounced.subject(): announced}
