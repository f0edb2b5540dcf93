"""The inbox of applied events forgets them, but only after every way a repeat can come back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from faststream.nats import NatsBroker, NatsRouter

from services.catalog.bootstrap import SPEC as CATALOG
from services.notify.bootstrap import SPEC as NOTIFY
from services.registration.bootstrap import SPEC as REGISTRATION
from services.translate.bootstrap import SPEC as TRANSLATE
from shared.consumer import subscribe
from shared.contracts.envelope import CloudEvent
from shared.inbox import Inbox
from shared.service import Parts, Runtime, ServiceSpec, start_service
from shared.settings import Settings
from shared.streams import DLQ_STREAM
from tests.support import eventually

pytestmark = pytest.mark.integration

DLQ_MAX_AGE_S = DLQ_STREAM.max_age_days * 86_400


@pytest.mark.parametrize("spec", [REGISTRATION, CATALOG, NOTIFY, TRANSLATE],
                         ids=lambda spec: spec.name)
def test_every_consuming_service_declares_the_expiry(spec: ServiceSpec) -> None:
    ttl = [index for index in spec.indexes if index.collection == "applied_events"
           and "expireAfterSeconds" in index.options]
    assert [index.keys for index in ttl] == [(("applied_at", 1),)]


async def test_applied_event_ids_expire_after_a_replay_from_the_dlq_is_possible(
    settings: Settings, bus_client: NatsBroker
) -> None:
    applied: list[str] = []

    async def handler(event: CloudEvent) -> None:
        applied.append(event.id)

    def build(runtime: Runtime) -> Parts:
        router = NatsRouter()
        subscribe(router, runtime, subject="inboxtest.>", stream="INBOXTEST",
                  durable="inbox-test", handler=handler)
        return Parts(routers=[router])

    service = await start_service(ServiceSpec("inboxtest", build=build,
                                              indexes=Inbox.indexes()), settings)
    try:
        event = CloudEvent(id="e-ttl", type="inboxtest.thing.happened.v1", source="test",
                           time=datetime.now(UTC), data={})
        body, headers = event.to_nats()
        await bus_client.publish(body, event.type, headers=headers, stream="INBOXTEST")
        await eventually(lambda: applied, timeout=5, what="the event applied")
        inbox = service.runtime.db["applied_events"]
        record = await inbox.find_one({"event_id": "e-ttl"})
        assert record is not None and isinstance(record["applied_at"], datetime)

        indexes = await inbox.index_information()
        [expiry] = [index["expireAfterSeconds"] for index in indexes.values()
                    if index["key"] == [("applied_at", 1)] and "expireAfterSeconds" in index]
        assert expiry > DLQ_MAX_AGE_S > settings.event_duplicate_window
    finally:
        await service.stop()
