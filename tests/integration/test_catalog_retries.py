"""The catalog's consumers retry what may pass (a lost race) and dead-letter what cannot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

import pytest
from faststream.nats import NatsBroker
from pymongo import AsyncMongoClient

from services.catalog.bootstrap import SPEC, deps_of
from services.catalog.domain.documents import ingested_id
from services.catalog.entrypoints import event_router
from services.catalog.handlers import ATTEMPTS
from services.catalog.store import DocumentStore
from shared.db import Document
from shared.service import Parts, RunningService, Runtime, start_service
from shared.settings import Settings
from tests.integration.catalog_support import (
    INGESTED,
    PORTAL_SUBJECT,
    send,
)
from tests.support import eventually

pytestmark = pytest.mark.integration


class Contended(DocumentStore):
    """A store where somebody else writes first, `losses` times in a row: `update_document`
    gives up with its "kept changing; try again" conflict."""

    losses = 0

    async def replace_if_unchanged(self, before: Document, after: Document,
                                   events: Sequence[Document]) -> bool:
        if Contended.losses > 0:
            Contended.losses -= 1
            return False
        return await super().replace_if_unchanged(before, after, events)


@pytest.fixture
async def catalog(settings: Settings) -> AsyncIterator[RunningService]:
    def consumers_only(runtime: Runtime) -> Parts:
        deps = replace(deps_of(runtime), store=Contended(runtime.db))
        return Parts(routers=[event_router(runtime, deps)])

    spec = replace(SPEC, build=consumers_only)
    service = await start_service(spec, settings.model_copy(update={"consumer_max_deliver": 3}))
    yield service
    await service.stop()
    Contended.losses = 0


async def revision(settings: Settings, document_id: str) -> int | None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    try:
        doc = await client[settings.database_name("catalog")]["documents"].find_one(
            {"_id": document_id})
        return None if doc is None else int(doc["revision"])
    finally:
        await client.close()


async def test_a_conflict_on_the_first_delivery_is_applied_on_a_later_one(
        catalog: RunningService, bus_client: NatsBroker, settings: Settings) -> None:
    doc_id = ingested_id("chilecompra", "pub-42")  # INGESTED's source and external id
    await send(bus_client, PORTAL_SUBJECT, INGESTED)

    async def has_revision(number: int) -> bool:
        return await revision(settings, doc_id) == number
    await eventually(lambda: has_revision(1), timeout=8)

    Contended.losses = ATTEMPTS  # the whole first delivery loses the race, then it is quiet
    await send(bus_client, PORTAL_SUBJECT,
               {**INGESTED, "title": {"es": "Datos abiertos", "en": "Open data"}})
    # after the consumer's first back-off (1 s)
    await eventually(lambda: has_revision(2), timeout=8)
    assert Contended.losses == 0
    js = bus_client.connection.jetstream()
    assert (await js.stream_info("DLQ")).state.messages == 0
    rejections = await js.stream_info("INGEST", subjects_filter="ingest.rejected.v1")
    assert not (rejections.state.subjects or {})  # the portal was not told "rejected"


async def test_a_refusal_that_cannot_pass_is_still_dead_lettered_at_once(
        catalog: RunningService, bus_client: NatsBroker, settings: Settings) -> None:
    await send(bus_client, PORTAL_SUBJECT,
               {**INGESTED, "external_id": "pub-99", "countries": ["ES"]})
    js = bus_client.connection.jetstream()

    async def dead_lettered() -> bool:
        return bool((await js.stream_info("DLQ")).state.messages == 1)
    await eventually(dead_lettered, timeout=3.0)  # well before a first retry would end
    letter = await js.get_last_msg("DLQ", "dlq.>")
    assert letter.headers is not None and letter.headers["dlq-deliveries"] == "1"
    assert "member states" in letter.headers["dlq-reason"]
