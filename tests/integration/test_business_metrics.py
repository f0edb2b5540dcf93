"""The business metrics count what happened: registrations by outcome, mails by outcome.

The OpenTelemetry API takes one meter provider per process, so these tests install an
in-memory reader once for the session; the services' code records into it as in production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from faststream.nats import NatsBroker
from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from services.notify.bootstrap import build_spec
from services.notify.settings import NotifySettings
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    SmtpServer,
    confirmed,
    publish,
    smtp_settings_for,
)
from tests.support import eventually
from tests.support.sessions import new_session, person

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def reader() -> InMemoryMetricReader:
    memory = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[memory]))
    return memory


def counts(reader: InMemoryMetricReader, name: str, key: str) -> dict[str, float]:
    """The counter's value per value of one attribute."""
    found: dict[str, float] = {}
    data = reader.get_metrics_data()
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    for point in metric.data.data_points:
                        label = str(point.attributes.get(key))
                        found[label] = found.get(label, 0) + point.value  # type: ignore[union-attr]
    return found


async def test_registrations_are_counted_by_outcome(
    reader: InMemoryMetricReader, gateway_http: httpx.AsyncClient,
    make_key: Callable[[str], Awaitable[str]],
) -> None:
    before = counts(reader, "dialogues.registrations", "outcome")
    session_id = await new_session(gateway_http, await make_key("secretariat"), capacity=1)
    for email, status in (("ana@example.org", 201), ("luis@example.org", 201),
                          ("ANA@example.org", 202)):  # the repeat: 'we have mailed you'
        answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person(email))
        assert answer.status_code == status, answer.text
    after = counts(reader, "dialogues.registrations", "outcome")
    delta = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    assert delta == {"confirmed": 1, "waitlisted": 1, "duplicate": 1} | {
        k: 0 for k in delta if k not in ("confirmed", "waitlisted", "duplicate")}


@pytest.fixture
async def notify(settings: Settings, smtp: SmtpServer) -> AsyncIterator[RunningService]:
    fast = NotifySettings(send_rate=1000, retry_base_seconds=0.2, poll_seconds=0.05)
    service = await start_service(build_spec(options=fast, smtp=smtp_settings_for(smtp)), settings)
    yield service
    await service.stop()


async def test_mails_are_counted_by_outcome(
    reader: InMemoryMetricReader, notify: RunningService, smtp: SmtpServer,
    bus_client: NatsBroker,
) -> None:
    before = counts(reader, "dialogues.mails", "outcome")
    await publish(bus_client, confirmed("reg-sent"))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    smtp.inbox.refusals.append("550 5.1.1 no such mailbox")
    await publish(bus_client, confirmed("reg-refused"))

    def settled() -> bool:
        now = counts(reader, "dialogues.mails", "outcome")
        return now.get("failed", 0) - before.get("failed", 0) == 1

    await eventually(settled, timeout=10)
    after = counts(reader, "dialogues.mails", "outcome")
    assert after.get("sent", 0) - before.get("sent", 0) == 1
