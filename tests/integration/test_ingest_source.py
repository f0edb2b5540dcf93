"""The catalog takes a portal's document only when its data names the source its subject names:
`ingest.catalog.<source>.document.v1` (issue 12). The subject is what NATS checked against the
portal's user; the data is whatever the portal wrote."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from faststream.nats import NatsBroker

from services.catalog.bootstrap import SPEC as CATALOG
from services.catalog.domain.documents import ingested_id
from shared.contracts.catalog.events import IngestedDocument
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.catalog_support import INGESTED, send, stream_messages
from tests.support import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
async def catalog(settings: Settings) -> AsyncIterator[RunningService]:
    service = await start_service(CATALOG, settings)
    yield service
    await service.stop()


async def test_a_document_naming_another_source_is_rejected_and_not_stored(
        catalog: RunningService, bus_client: NatsBroker, settings: Settings) -> None:
    claimed = {**INGESTED, "source": "b", "external_id": "pub-7"}
    event_id = await send(bus_client, IngestedDocument.subject_for("a"), claimed)

    [(_, rejection)] = await stream_messages(settings, "ingest.rejected.v1", "INGEST", 1)
    assert rejection["event_id"] == event_id
    assert rejection["subject"] == "ingest.catalog.a.document.v1"
    assert "source" in rejection["reason"]
    [(letter_subject, _)] = await stream_messages(settings, "dlq.>", "DLQ", 1)
    assert letter_subject == "dlq.catalog-ingest.ingest.catalog.a.document.v1"
    documents = catalog.runtime.db["documents"]
    for source in ("a", "b"):
        assert await documents.find_one({"_id": ingested_id(source, "pub-7")}) is None


async def test_a_document_naming_its_own_source_is_ingested(
        catalog: RunningService, bus_client: NatsBroker, settings: Settings) -> None:
    await send(bus_client, IngestedDocument.subject_for("a"),
               {**INGESTED, "source": "a", "external_id": "pub-8"})
    documents = catalog.runtime.db["documents"]
    stored: list[dict[str, Any]] = []

    async def ingested() -> bool:
        found = await documents.find_one({"_id": ingested_id("a", "pub-8")})
        stored[:] = [found] if found else []
        return bool(stored)

    await eventually(ingested, timeout=8)
    assert (stored[0]["source"], stored[0]["status"]) == ("a", "published")
    info = await bus_client.connection.jetstream().stream_info(
        "INGEST", subjects_filter="ingest.rejected.v1")
    assert not (info.state.subjects or {})


async def test_the_old_subject_is_no_longer_consumed(
        catalog: RunningService, bus_client: NatsBroker) -> None:
    js = bus_client.connection.jetstream()
    info = await js.consumer_info("INGEST", "catalog-ingest")
    assert info.config.filter_subject == "ingest.catalog.*.document.v1"


async def test_a_catalog_upgraded_over_the_old_durable_reads_the_portals_subjects(
        settings: Settings, bus_client: NatsBroker) -> None:
    """A deployment that ran the catalog before keeps `catalog-ingest` with the old filter;
    the catalog brings it up to date at start instead of binding to it and reading nothing."""
    first = await start_service(CATALOG, settings)
    await first.stop()
    js = bus_client.connection.jetstream()
    old = (await js.consumer_info("INGEST", "catalog-ingest")).config
    old.filter_subject, old.max_deliver = "ingest.catalog.document.v1", 3
    await js.add_consumer("INGEST", old)

    catalog = await start_service(CATALOG, settings)
    try:
        info = await js.consumer_info("INGEST", "catalog-ingest")
        assert info.config.filter_subject == "ingest.catalog.*.document.v1"
        assert info.config.max_deliver == settings.consumer_max_deliver + 2
        await send(bus_client, IngestedDocument.subject_for("a"),
                   {**INGESTED, "source": "a", "external_id": "pub-9"})
        documents = catalog.runtime.db["documents"]

        async def ingested() -> bool:
            return await documents.find_one({"_id": ingested_id("a", "pub-9")}) is not None

        await eventually(ingested, timeout=8)
    finally:
        await catalog.stop()
