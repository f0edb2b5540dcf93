"""Malformed CloudEvents on `ingest.>`: rejected on `ingest.rejected.v1` with a reason, kept in
the DLQ, and nothing stored."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import nats
import pytest
from faststream.nats import NatsBroker
from nats.aio.client import Client as NATS

from services.gateway.keys import Role
from shared.contracts.catalog.events import IngestedDocument
from shared.contracts.envelope import CloudEvent
from shared.service import RunningService
from shared.settings import Settings
from tests.support.polling import eventually
from tests.support.quiet import Settled
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.security

MakeKey = Callable[[Role], Awaitable[str]]
ATTENDANCE = "ingest.registration.attendance.v1"
DOCUMENT = IngestedDocument.subject_for("portal-example")


def raw(body: bytes, **headers: str) -> tuple[bytes, dict[str, str]]:
    return body, {f"ce-{k}" if k != "content_type" else "content-type": v
                  for k, v in headers.items()}


def envelope(subject: str, data: Any) -> tuple[bytes, dict[str, str]]:
    event = CloudEvent(id=str(uuid.uuid4()), type=subject, source="portal",
                       time=datetime.now(UTC), data={})
    _, headers = event.to_nats()
    return json.dumps(data).encode(), headers


def structured(fields: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    return json.dumps(fields).encode(), {"content-type": "application/cloudevents+json"}


def malformed(subject: str, good: dict[str, Any]) -> list[tuple[bytes, dict[str, str]]]:
    """Broken envelopes and broken data, each with a `ce-id` when it has one."""
    now = datetime.now(UTC).isoformat()
    return [
        raw(b"not json at all", id="m1", type=subject, source="p", specversion="1.0",
            time=now),
        raw(b'{"session_id": "\xff\xfe"}', id="m2", type=subject, source="p",
            specversion="1.0", time=now),
        raw(json.dumps(good).encode(), type=subject, source="p"),  # no id, no specversion
        raw(b"[1, 2, 3]", id="m3", type=subject, source="p", specversion="1.0", time=now),
        structured({"specversion": "0.3", "id": "m4", "type": subject, "source": "p",
                    "data": good}),
        structured({"specversion": "1.0", "id": {"$gt": ""}, "type": subject, "source": "p",
                    "data": good}),
        envelope(subject, {}),
    ]


def tolerated(subject: str, good: dict[str, Any]) -> list[tuple[bytes, dict[str, str]]]:
    """Unknown top-level keys: events are read tolerantly (producers may add optional fields,
    shared.contracts.events), so they are applied, and the unknown keys are dropped."""
    return [envelope(subject, {**good, "$where": "1", "unknown.field": {"$set": 1}})]


async def stream_count(connection: NATS, stream: str, subjects: str) -> int:
    info = await connection.jetstream().stream_info(stream, subjects_filter=subjects)
    return sum((info.state.subjects or {}).values())


async def test_malformed_ingest_is_rejected_dead_lettered_and_stores_nothing(
    gateway_http: httpx.AsyncClient, make_key: MakeKey, bus_client: NatsBroker,
    settings: Settings, running_services: dict[str, RunningService], settled: Settled,
) -> None:
    key = await make_key("secretariat")
    session_id = await published_session(gateway_http, key)
    registered = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person("p@example.org"))
    registration_id = registered.json()["registration_id"]
    attendance = {"session_id": session_id,
                  "attendees": [{"registration_id": registration_id, "minutes": 50}]}
    document = {"source": "portal-example", "external_id": "x-1", "type": "report",
                "source_language": "en", "title": {"en": "Procurement"}}
    bad_attendance = [
        *malformed(ATTENDANCE, attendance),
        envelope(ATTENDANCE, {"session_id": {"$ne": None}, "attendees": []}),
        envelope(ATTENDANCE, {"session_id": session_id, "attendees": [
            {"registration_id": {"$gt": ""}, "minutes": 50}]}),
        envelope(ATTENDANCE, {"session_id": session_id, "attendees": [
            {"registration_id": registration_id, "minutes": 50, "$set": {"status": "x"}}]}),
        envelope(ATTENDANCE, {"session_id": session_id, "attendees": [
            {"registration_id": registration_id, "minutes": 10**12}]}),
    ]
    bad_documents = [
        *malformed(DOCUMENT, document),
        envelope(DOCUMENT, {**document, "title": {"$where": "1"}}),
        envelope(DOCUMENT, {**document, "external_id": {"$gt": ""}}),
        envelope(DOCUMENT, {**document, "type": "bogus"}),
        envelope(DOCUMENT, {**document, "topics": ["open_data"] * 10_000}),
    ]
    for subject, batch in ((ATTENDANCE, bad_attendance), (DOCUMENT, bad_documents)):
        for body, headers in batch:
            await bus_client.publish(body, subject, headers=headers, stream="INGEST")
    expected = len(bad_attendance) + len(bad_documents)

    connection = await nats.connect(settings.effective_nats_url())
    try:
        async def all_refused() -> bool:
            return (await stream_count(connection, "INGEST", "ingest.rejected.v1") >= expected
                    and await stream_count(connection, "DLQ", "dlq.>") >= expected)

        await eventually(all_refused, 20, f"{expected} rejections and dead letters",
                         interval=0.1)
        await settled()  # nothing more comes
        assert await stream_count(connection, "INGEST", "ingest.rejected.v1") == expected
        assert await stream_count(connection, "DLQ", "dlq.>") == expected
        rejections = await connection.jetstream().pull_subscribe("ingest.rejected.v1",
                                                                 stream="INGEST")
        bodies = [json.loads(m.data) for m in await rejections.fetch(expected, timeout=5)]
        letters = await connection.jetstream().pull_subscribe("dlq.>", stream="DLQ")
        reasons = [m.headers["dlq-reason"] for m in await letters.fetch(expected, timeout=5)
                   if m.headers]
    finally:
        await connection.close()
    assert {b["subject"] for b in bodies} == {ATTENDANCE, DOCUMENT}
    assert all(len(b["reason"]) > 10 for b in bodies), bodies
    assert len(reasons) == expected and all(reasons)
    # Reasons name what was wrong, never the values sent (they may be personal data).
    assert not any(registration_id in r or session_id in r for r in reasons), reasons

    catalog = running_services["catalog"].runtime.db
    assert await catalog["documents"].count_documents({}) == 0
    rows = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                  headers={"X-API-Key": key})
    [row] = rows.json()["items"]
    assert row["status"] == "confirmed" and row["attendance"] in (None, "unknown"), row

    for subject, good in ((ATTENDANCE, attendance), (DOCUMENT, document)):
        for body, headers in tolerated(subject, good):
            await bus_client.publish(body, subject, headers=headers, stream="INGEST")
    async def attended() -> bool:
        rows = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                      headers={"X-API-Key": key})
        return bool(rows.json()["items"][0]["attendance"] == "attended")

    stored = await eventually(lambda: catalog["documents"].find_one({}), 10, "the document")
    await eventually(attended, 10, "the attendance recorded", interval=0.1)
    assert not any(k.startswith("$") or "." in k or k == "unknown" for k in stored), stored
