"""deploy/nats.conf and nats-portals.conf for real (issue 12): a member portal publishes under its
own source only, the webinar platform (`integration`) on no portal's subject, and the catalog
reads every portal's subject and nothing wider. End to end, a portal that names another source
in its data is told so on `ingest.rejected.v1`, and nothing is stored."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import nats.errors
import pytest
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig

from services.catalog.bootstrap import SPEC as CATALOG
from services.catalog.domain.documents import ingested_id
from shared.bus import DLQ_STREAM, INGEST_STREAM, declare_streams, make_broker, service_stream
from shared.contracts.catalog.events import IngestedDocument
from shared.servers import LocalServer
from shared.service import start_service
from tests.integration.bus_support import (
    connect_as,
    settings_of,
)

pytestmark = pytest.mark.integration

OWN = IngestedDocument.subject_for("chilecompra")
ANOTHER = IngestedDocument.subject_for("comprasal")
OLD = "ingest.catalog.document.v1"


async def test_a_portal_publishes_under_its_own_source_only(secured_nats: LocalServer) -> None:
    portal, seen = await connect_as(secured_nats, "chilecompra")
    await portal.publish(OWN, b"{}")
    assert await seen.violations(portal) == []
    for subject in (ANOTHER, OLD, "ingest.registration.attendance.v1", "ingest.rejected.v1",
                    "ingest.catalog.chilecompra.recording.v1"):  # documents, not recordings
        await portal.publish(subject, b"{}")
        assert await seen.refused(portal, subject), subject
    await portal.close()


async def test_a_portal_reads_rejections_and_its_own_inbox_only(secured_nats: LocalServer
                                                                ) -> None:
    portal, seen = await connect_as(secured_nats, "chilecompra")
    await portal.subscribe("ingest.rejected.v1")
    assert await seen.violations(portal) == []
    for subject in ("ingest.catalog.>", "_INBOX_integration.>", "dlq.>"):
        await portal.subscribe(subject)
        assert await seen.refused(portal, f'subscription to "{subject}"'), subject
    await portal.close()


async def test_the_integration_user_cannot_publish_documents(secured_nats: LocalServer) -> None:
    integration, seen = await connect_as(secured_nats, "integration")
    await integration.publish("ingest.registration.attendance.v1", b"{}")
    assert await seen.violations(integration) == []
    for subject in (OWN, OLD):
        await integration.publish(subject, b"{}")
        assert await seen.refused(integration, subject), subject
    await integration.close()


async def test_the_catalog_reads_every_portal_and_nothing_wider(secured_nats: LocalServer
                                                                ) -> None:
    owner, _ = await connect_as(secured_nats, "registration")
    await owner.jetstream().add_stream(name="INGEST", subjects=["ingest.>"])
    catalog, seen = await connect_as(secured_nats, "catalog")
    js = catalog.jetstream(timeout=1)
    with pytest.raises((nats.errors.Error, TimeoutError)):
        await js.add_consumer("INGEST", ConsumerConfig(
            durable_name="catalog-ingest", name="catalog-ingest", filter_subject="ingest.>"))
    assert await seen.refused(catalog, "$js.api.consumer.create.ingest.catalog-ingest.ingest.>")
    await js.add_consumer("INGEST", ConsumerConfig(
        durable_name="catalog-ingest", name="catalog-ingest",
        filter_subject=IngestedDocument.subject()))
    info = await js.consumer_info("INGEST", "catalog-ingest")
    assert info.config.filter_subject == "ingest.catalog.*.document.v1"
    for connection in (owner, catalog):
        await connection.close()


async def test_a_portal_claiming_another_source_is_rejected(
        mongo_url: str, secured_nats: LocalServer) -> None:
    prefix = f"src{uuid.uuid4().hex[:8]}"
    for user, streams in (("registration", (INGEST_STREAM, DLQ_STREAM,
                                           service_stream("registration"))),
                          ("translate", (service_stream("translate"),))):
        as_owner = settings_of(secured_nats, user, mongo_url, prefix)  # only owners may
        owner = make_broker(as_owner, client_name=f"test-as-{user}")
        await owner.connect()
        await declare_streams(owner, as_owner, *streams)
        await owner.stop()
    service = await start_service(CATALOG, settings_of(secured_nats, "catalog", mongo_url, prefix))
    portal, seen = await connect_as(secured_nats, "chilecompra")
    rejections: asyncio.Queue[Msg] = asyncio.Queue()
    try:
        await portal.subscribe("ingest.rejected.v1", cb=rejections.put)
        claimed = IngestedDocument(source="comprasal", external_id="pub-1", type="report",
                                   source_language="es", title={"es": "Compras públicas"})
        event = claimed.to_cloudevent(event_id=uuid.uuid4().hex, source="chilecompra",
                                      time=datetime.now(UTC))
        body, headers = event.to_nats()
        await portal.jetstream().publish(OWN, body, headers=headers)  # its own subject
        rejection = json.loads((await asyncio.wait_for(rejections.get(), 10)).data)
        assert (rejection["subject"], rejection["event_id"]) == (OWN, event.id)
        assert "source" in rejection["reason"]
        documents = service.runtime.db["documents"]
        assert await documents.count_documents({}) == 0
        assert await documents.find_one({"_id": ingested_id("comprasal", "pub-1")}) is None
        assert await seen.violations(portal) == []
    finally:
        await portal.close()
        await service.stop()
