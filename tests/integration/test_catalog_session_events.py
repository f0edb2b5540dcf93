"""The catalog's copy of registration's sessions (older events never overwrite newer ones) and
the webinar platform's recordings by event: session and recording events published onto their
streams, the catalog running on its own against real NATS and MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream.nats import NatsBroker

from services.catalog.bootstrap import SPEC as CATALOG
from services.catalog.domain.documents import ingested_id
from services.catalog.domain.sessions import session_copy
from services.catalog.store import SessionStore
from shared.contracts.catalog.materials import IngestedRecording
from shared.contracts.registration.events import (
    SessionCancelled,
    SessionChanged,
    SessionPublished,
    SessionSnapshot,
)
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.catalog_support import send, stream_messages
from tests.support import eventually

pytestmark = pytest.mark.integration

STARTS = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
PLATFORM = IngestedRecording.subject_for("integration")


def snapshot(session_id: str, sequence: int = 0, **changes: Any) -> SessionSnapshot:
    fields: dict[str, Any] = {
        "session_id": session_id, "title": {"es": "Compras sostenibles"}, "format": "panel",
        "topics": ["open_data"], "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=2),
        "timezone": "America/La_Paz", "languages": ["es"], "sequence": sequence,
        "countries": ["BO"], "slots": ["opening", "panel"]}
    return SessionSnapshot.model_validate(fields | changes)


@pytest.fixture
async def catalog(settings: Settings) -> AsyncIterator[RunningService]:
    service = await start_service(CATALOG, settings)
    yield service
    await service.stop()


async def test_an_older_session_event_never_overwrites_a_newer_copy(catalog_db: Any) -> None:
    store = SessionStore(catalog_db)
    now = datetime.now(UTC)
    later = snapshot("ses_order", 1, title={"es": "Movida"})
    assert await store.keep(session_copy(later, "published", now))
    assert not await store.keep(session_copy(snapshot("ses_order", 0), "published",
                                             now + timedelta(minutes=5)))  # older sequence
    assert not await store.keep(session_copy(later, "cancelled", now - timedelta(seconds=1)))
    assert await store.keep(session_copy(later, "cancelled", now + timedelta(seconds=1)))
    kept = await store.get("ses_order")
    assert kept is not None and (kept["title"], kept["status"]) == ({"es": "Movida"},
                                                                    "cancelled")


async def test_session_events_keep_the_copy_and_recordings_become_materials(
        catalog: RunningService, bus_client: NatsBroker, settings: Settings,
        catalog_db: Any) -> None:
    await send(bus_client, SessionPublished.subject(),
               SessionPublished(session=snapshot("ses_rec")).model_dump(mode="json"))
    await send(bus_client, SessionChanged.subject(), SessionChanged(
        session=snapshot("ses_rec", slots=["opening", "panel", "closing"])).model_dump(
            mode="json"))
    await eventually(lambda: _has_slots(catalog_db, "ses_rec", 3), timeout=10,
                     what="the changed session kept")

    recording = {"session_id": "ses_rec", "url": "https://video.example.org/v/1",
                 "title": {"es": "Grabación"}, "language": "es", "external_id": "zoom-1"}
    await send(bus_client, PLATFORM, recording)
    doc_id = ingested_id("recording:integration", "zoom-1")
    doc = await eventually(lambda: catalog_db["documents"].find_one({"_id": doc_id}),
                           timeout=10, what="the recording stored")
    assert (doc["type"], doc["status"], doc["session_id"], doc["url"]) == (
        "recording", "published", "ses_rec", "https://video.example.org/v/1")
    assert (doc["topics"], doc["countries"], doc["published_on"]) == (
        ["open_data"], ["BO"], "2026-11-24")

    await send(bus_client, PLATFORM, recording | {"title": {"es": "Grabación completa"}})
    await eventually(lambda: _title_is(catalog_db, doc_id, "Grabación completa"), timeout=10)
    assert await catalog_db["documents"].count_documents({"session_id": "ses_rec"}) == 1

    await send(bus_client, PLATFORM, recording | {"session_id": "ses_nobody",
                                                  "external_id": "zoom-2"})
    await send(bus_client, PLATFORM, recording | {"slot": "nowhere", "external_id": "zoom-3"})
    await send(bus_client, IngestedRecording.subject_for("chilecompra"),
               recording | {"external_id": "zoom-4"})  # a portal is no webinar platform
    await send(bus_client, SessionCancelled.subject(), SessionCancelled(
        session=snapshot("ses_rec"), reason="x").model_dump(mode="json"))
    await eventually(lambda: _status_is(catalog_db, "ses_rec", "cancelled"), timeout=10)
    await send(bus_client, PLATFORM, recording | {"external_id": "zoom-5"})
    rejections = await stream_messages(settings, "ingest.rejected.v1", "INGEST", 4)
    assert len(rejections) == 4
    assert await catalog_db["documents"].count_documents({}) == 1


async def _has_slots(db: Any, session_id: str, count: int) -> bool:
    found = await db["sessions"].find_one({"_id": session_id})
    return found is not None and len(found["slots"]) == count


async def _title_is(db: Any, doc_id: str, title: str) -> bool:
    found = await db["documents"].find_one({"_id": doc_id})
    return found is not None and found["title"]["es"] == title


async def _status_is(db: Any, session_id: str, status: str) -> bool:
    found = await db["sessions"].find_one({"_id": session_id})
    return found is not None and found["status"] == status
