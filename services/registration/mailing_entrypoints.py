"""RPC responders of the secretariat's mail about sessions: parse, call a handler, reply.
`bootstrap` mounts them beside `entrypoints.rpc_router` (same service, same queue group)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from services.registration.handlers import Deps, mailings
from services.registration.store.mailings import Mailings
from shared.bus import RpcRoutes
from shared.contracts.registration.messages import (
    Announcement,
    MessagePage,
    MessageRef,
    MessageView,
    SendMessage,
)
from shared.contracts.registration.rpc import SessionRef
from shared.db import Document


def message_view(record: Document) -> MessageView:
    """A message record as the secretariat sees it (counts only)."""
    return MessageView(
        message_id=record["message_id"], session_id=record["session_id"],
        subject=record["subject"], statuses=record["statuses"],
        languages=list(record["subject"]), recipients=record["recipients"],
        by_status=record["by_status"], created_at=record["created_at"])


def mailing_router(deps: Deps, store: Mailings) -> NatsRouter:
    """`rpc.registration.send_message`, `list_messages` and `announce_session`."""
    routes, clock = RpcRoutes("registration"), deps.clock

    @routes.responder("send_message", SendMessage)
    async def send_message(request: SendMessage) -> MessageView:
        return message_view(await mailings.send_message(deps, store, request, clock()))

    @routes.responder("list_messages", MessageRef)
    async def list_messages(request: MessageRef) -> MessagePage:
        found = await mailings.list_messages(deps, store, request.session_id)
        return MessagePage(items=[message_view(record) for record in found])

    @routes.responder("announce_session", SessionRef)
    async def announce_session(request: SessionRef) -> Announcement:
        record = await mailings.announce(deps, store, request.session_id, clock())
        return Announcement(session_id=record["session_id"],
                            announced_at=record["created_at"])

    return routes.router
