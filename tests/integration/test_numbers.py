"""The numbers service against real NATS and MongoDB, fed the real event contracts: history
published before it started counts (its consumers read the streams from the start), a
redelivered or repeated event counts once, small cells are suppressed, and baselines are
recorded, added where meaningful and removed."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from faststream.nats import NatsBroker

from services.gateway.routes.numbers import as_csv
from services.numbers.bootstrap import build_spec
from shared.bus import call, service_stream
from shared.contracts.catalog.events import (
    DocumentPublished,
    DocumentSnapshot,
    DocumentTranslated,
    DocumentWithdrawn,
)
from shared.contracts.events import Event
from shared.contracts.numbers.rpc import (
    Baseline,
    BaselineList,
    DeleteBaseline,
    GetNumbers,
    ListBaselines,
    Numbers,
    RecordBaseline,
)
from shared.contracts.registration import events as reg
from shared.contracts.rpc import RpcFailure
from shared.contracts.translate.events import JobCompleted, JobRef, Provenance
from shared.service import start_service
from shared.settings import Settings
from shared.streams import declare_streams
from tests.support import eventually
from tests.support.quiet import Servers, quiet

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def session(session_id: str, *, past: bool = True, countries: tuple[str, ...] = ("PA",)
            ) -> reg.SessionSnapshot:
    start = NOW - timedelta(days=3) if past else NOW + timedelta(days=3)
    return reg.SessionSnapshot(
        session_id=session_id, title={"es": "Compras"}, format="webinar",
        topics=["e_procurement"], starts_at=start, ends_at=start + timedelta(hours=1),
        timezone="America/Panama", languages=["es"], countries=list(countries))


def place(model: type[reg.ParticipantEvent], registration_id: str, email: str,
          snapshot: reg.SessionSnapshot, country: str = "PA", **extra: Any) -> Event:
    who = reg.Participant(name="Ana", email=email, preferred_language="es", country=country,
                          sector="public_sector", gender="female")
    return model(registration_id=registration_id, participant=who, session=snapshot, **extra)


def document(document_id: str, missing: list[str], year: int = 2024) -> DocumentSnapshot:
    return DocumentSnapshot.model_validate({
        "document_id": document_id, "revision": 1, "type": "guide", "source_language": "es",
        "texts": {"title": {"es": "Guía"}}, "available_languages": ["es", "en"],
        "missing_languages": missing, "published_on": f"{year}-05-01"})


async def publish(bus: NatsBroker, event: Event, event_id: str | None = None,
                  at: datetime | None = None) -> str:
    """As the owner's outbox relay publishes it: a CloudEvent on its stream."""
    event_id = event_id or uuid.uuid4().hex
    ce = event.to_cloudevent(event_id=event_id, source="test", time=at or datetime.now(UTC))
    body, headers = ce.to_nats()
    headers["Nats-Msg-Id"] = uuid.uuid4().hex  # a new message each time: past JetStream's dedupe
    subject = event.subject()
    await bus.publish(body, subject, headers=headers, stream=subject.split(".")[0].upper())
    return event_id


async def history(bus: NatsBroker) -> None:
    """What happened before the numbers service was deployed."""
    held, later = session("s-held"), session("s-later", past=False)
    for snapshot in (held, later, session("s-cancelled")):
        await publish(bus, reg.SessionPublished(session=snapshot))
    await publish(bus, reg.SessionCancelled(session=session("s-cancelled"), reason="x"))
    for n in range(6):
        await publish(bus, place(reg.ParticipantConfirmed, f"r{n}", f"p{n}@example.org", held))
    await publish(bus, place(reg.ParticipantConfirmed, "r-again", "P0@Example.org ",
                             session("s-later")))
    await publish(bus, place(reg.ParticipantConfirmed, "r-cl", "cl@example.org", held, "CL"))
    await publish(bus, place(reg.ParticipantConfirmed, "r-gone", "gone@example.org", held))
    await publish(bus, place(reg.ParticipantCancelled, "r-gone", "gone@example.org", held,
                             cancelled_by="participant"))
    await publish(bus, place(reg.ParticipantConfirmed, "r-fut", "f@example.org", later))
    await publish(bus, DocumentPublished(document=document("d-both", [])))
    await publish(bus, DocumentPublished(document=document("d-es", ["en"], 2025)))
    await publish(bus, DocumentPublished(document=document("d-out", [])))
    await publish(bus, DocumentWithdrawn(document_id="d-out"))


async def test_the_network_in_numbers_from_events(settings: Settings, bus_client: NatsBroker
                                                  ) -> None:
    bus = bus_client
    await declare_streams(bus, settings, *(service_stream(name) for name in (
        "registration", "catalog", "translate")))
    await history(bus)
    numbers = await start_service(build_spec(), settings)
    try:
        async def figures() -> Numbers:
            return await call(bus, "rpc.numbers.get", GetNumbers(), Numbers, timeout=5)

        async def replayed() -> bool:
            return (await figures()).publications.published == 2
        await eventually(replayed, timeout=15, interval=0.1, what="the history to be counted")
        await publish(bus, DocumentTranslated(document_id="d-es", revision=1, language="en",
                                              status="reviewed", type="guide"))
        job = JobRef(job_id="j1", document_id="d-es", revision=1, source_language="es",
                     target_language="en")
        completed = JobCompleted(job=job, texts={"title": "Guide"},
                                 provenance=Provenance(completed_at=NOW))
        first = await publish(bus, completed)
        await publish(bus, completed, event_id=first)  # redelivered: the same event id
        await publish(bus, completed)  # told again under a new id: the same job
        confirmed = place(reg.ParticipantConfirmed, "r0", "p0@example.org", session("s-held"))
        await publish(bus, confirmed)  # a repeat of a counted registration
        await quiet(Servers.of(settings))

        got = await figures()
        assert got.licence == "CC-BY-4.0"
        assert got.sessions.held == 1 and got.sessions.by_format == {"webinar": 1}
        assert got.sessions.by_topic == {"e_procurement": 1}
        people = got.participants
        assert people.unique == 7 and people.countries == 2
        assert people.by_country == {"CL": None, "PA": 6}
        assert people.by_gender == {"female": 7} and people.by_sector == {"public_sector": 7}
        assert got.publications.by_year == {"2024": 1, "2025": 1}
        assert got.translations.covered == 2 and got.translations.coverage == 1.0
        assert got.translations.jobs_completed == 1

        async def ask(action: str, request: Any, reply: type[Any]) -> Any:
            return await call(bus, f"rpc.numbers.{action}", request, reply, timeout=5)
        spaces = await ask("record_baseline", RecordBaseline(
            figure="sessions_held", value=200, source="INGP in numbers", as_of=date(2019, 1, 1),
            actor="key-1"), Baseline)
        await ask("record_baseline", RecordBaseline(
            figure="exchanges", value=553, source="INGP in numbers", as_of=date(2019, 1, 1)),
            Baseline)
        with_baselines = await figures()
        assert with_baselines.combined["sessions_held"].total == 201
        assert [b.figure for b in with_baselines.baselines] == ["sessions_held", "exchanges"]
        assert "baseline,exchanges,2019-01-01 INGP in numbers,553" in as_csv(with_baselines)
        assert "participants,by_country,CL,\n" in as_csv(with_baselines)
        left = await ask("delete_baseline", DeleteBaseline(baseline_id=spaces.id), BaselineList)
        assert [b.figure for b in left.items] == ["exchanges"]
        assert (await ask("list_baselines", ListBaselines(), BaselineList)) == left
        with pytest.raises(RpcFailure) as gone:
            await ask("delete_baseline", DeleteBaseline(baseline_id=spaces.id), BaselineList)
        assert gone.value.code == "not_found"
    finally:
        await numbers.stop()
