"""Session documents are due before their session starts, and follow its reschedules: session
and document events published onto their streams, due dates read through the real gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from services.translate.bootstrap import build_spec
from services.translate.entrypoints import SESSIONS_DURABLE
from services.translate.settings import TranslateSettings
from shared.contracts.registration.events import (
    SessionCancelled,
    SessionPublished,
    SessionRescheduled,
    SessionSnapshot,
)
from shared.inbox import COLLECTION as APPLIED
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.translate_support import (
    keyed,
    publish,
    publish_document,
    snapshot,
)
from tests.support import eventually, serving

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
SLACK = timedelta(seconds=30)


def session(session_id: str, starts_at: datetime, sequence: int = 0) -> SessionSnapshot:
    return SessionSnapshot(
        session_id=session_id, title={"es": "Compras públicas sostenibles"}, format="webinar",
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), timezone="UTC",
        languages=["es", "en"], sequence=sequence)


@asynccontextmanager
async def service_and_gateway(settings: Settings
                              ) -> AsyncIterator[tuple[RunningService, httpx.AsyncClient]]:
    service = await start_service(build_spec(TranslateSettings()), settings)
    try:
        async with serving(create_app(settings, GatewaySettings(rpc_timeout=2.0))) as client:
            client.app = client._transport.app  # type: ignore[attr-defined]
            yield service, client
    finally:
        await service.stop()


async def applied(service: RunningService, event_id: str) -> None:
    """Wait until the sessions consumer has applied `event_id` (its inbox says so)."""
    collection = service.runtime.db[APPLIED]
    await eventually(lambda: collection.find_one({"_id": f"{SESSIONS_DURABLE}|{event_id}"}),
                     timeout=15)


async def listing(http: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = await http.get("/v1/translations", params={"target": "en"}, headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def due_of(http: httpx.AsyncClient, headers: dict[str, str], document: str,
                 expected: datetime | None = None) -> datetime:
    """The due date of the document's English job (once it is `expected`, if given)."""
    async def probe() -> datetime | None:
        found = [item for item in await listing(http, headers) if item["document_id"] == document]
        if not found:
            return None
        due = datetime.fromisoformat(found[0]["due_at"])
        return due if expected is None or abs(due - expected) < SLACK else None
    result: datetime = await eventually(probe, timeout=15)
    return result


async def test_session_documents_follow_their_session(
    settings: Settings, bus_client: NatsBroker
) -> None:
    now = datetime.now(UTC)
    async with service_and_gateway(settings) as (service, http):
        translator, _ = await keyed(http, "translator")
        boss, _ = await keyed(http, "secretariat")
        # The session is known before its document: due a day (the margin) before it starts.
        starts = now + 5 * DAY
        await publish(bus_client, SessionPublished(session=session("s-1", starts)), "s-1-pub")
        await applied(service, "s-1-pub")
        await publish_document(bus_client, snapshot("doc-linked", session_id="s-1"))
        await publish_document(bus_client, snapshot("doc-unknown", session_id="s-unknown"))
        await publish_document(bus_client, snapshot("doc-plain"))
        await due_of(http, translator, "doc-linked", starts - DAY)
        await due_of(http, translator, "doc-unknown", now + 3 * DAY)  # the fixed fallback
        await due_of(http, translator, "doc-plain", now + 14 * DAY)
        order = [item["document_id"] for item in await listing(http, translator)]
        assert order == ["doc-unknown", "doc-linked", "doc-plain"]

        # A requested due date is the secretariat's: reschedules leave it alone.
        asked = now + 10 * DAY
        requested = await http.post("/v1/translations", headers=boss, json={
            "document_id": "doc-linked", "target_language": "pt",
            "due_at": asked.isoformat()})
        assert requested.status_code == 201, requested.text

        # Rescheduled earlier: the open job moves to the top of the queue.
        moved = now + 2 * DAY
        await publish(bus_client, SessionRescheduled(
            session=session("s-1", moved, sequence=1), previous_starts_at=starts,
            previous_ends_at=starts + timedelta(hours=2)), "s-1-moved")
        await due_of(http, translator, "doc-linked", moved - DAY)
        order = [item["document_id"] for item in await listing(http, translator)]
        assert order == ["doc-linked", "doc-unknown", "doc-plain"]
        pt = (await http.get("/v1/translations", params={"target": "pt"}, headers=boss)).json()
        assert abs(datetime.fromisoformat(pt["items"][0]["due_at"]) - asked) < SLACK

        # An older reschedule arriving late changes nothing.
        await publish(bus_client, SessionRescheduled(
            session=session("s-1", now + 9 * DAY, sequence=0), previous_starts_at=starts,
            previous_ends_at=starts), "s-1-stale")
        await applied(service, "s-1-stale")
        await due_of(http, translator, "doc-linked", moved - DAY)

        # A session far ahead: never later than an ordinary document.
        await publish(bus_client, SessionRescheduled(
            session=session("s-1", now + 60 * DAY, sequence=2), previous_starts_at=moved,
            previous_ends_at=moved), "s-1-far")
        await due_of(http, translator, "doc-linked", now + 14 * DAY)

        # Cancelled: the due date stays where it was.
        await publish(bus_client, SessionCancelled(
            session=session("s-1", now + 60 * DAY, sequence=2), reason="Postponed"), "s-1-off")
        await applied(service, "s-1-off")
        await due_of(http, translator, "doc-linked", now + 14 * DAY)

        # The session becomes known after its document was queued: the job follows it.
        soon = now + DAY + DAY / 2
        await publish(bus_client, SessionPublished(session=session("s-unknown", soon)),
                      "s-unknown-pub")
        await due_of(http, translator, "doc-unknown", soon - DAY)
        order = [item["document_id"] for item in await listing(http, translator)]
        assert order == ["doc-unknown", "doc-linked", "doc-plain"]
