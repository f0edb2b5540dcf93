"""The catalog on the bus: events it publishes, translations it stores, publications it ingests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker
from pymongo import AsyncMongoClient

from services.catalog.domain.documents import ingested_id
from services.gateway.keys import Role
from shared.service import RunningService
from shared.settings import Settings
from tests.integration.catalog_support import INGESTED, PORTAL_SUBJECT, send, stream_messages
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration

KeyMaker = Callable[[Role], Awaitable[str]]


def completion(doc_id: str, revision: int, title: str, reviewer: str | None) -> dict[str, Any]:
    return {"job": {"job_id": f"job-{revision}-{title[:5]}", "document_id": doc_id,
                    "revision": revision, "source_language": "es", "target_language": "en"},
            "texts": {"title": title, "body": f"{title} body"},
            "provenance": {"engine": "test-mt", "reviewer": reviewer,
                           "completed_at": datetime.now(UTC).isoformat()}}


async def test_translations_are_stored_once_and_never_overwrite_newer_text(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, bus_client: NatsBroker,
        settings: Settings) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    draft = {"type": "case_study", "source_language": "es", "title": {"es": "Compras verdes"},
             "body": {"es": "Texto"}, "topics": ["sustainable_procurement"], "countries": ["PE"]}
    doc_id = (await gateway_http.post("/v1/documents", json=draft, headers=editor)).json()["id"]
    await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    [(subject, published)] = await stream_messages(settings, "catalog.>", "CATALOG", 1)
    assert subject == "catalog.document.published.v1"
    assert published["document"]["missing_languages"] == ["en"]
    assert published["document"]["texts"]["title"] == {"es": "Compras verdes"}

    async def english_title() -> str:
        view = (await gateway_http.get(f"/v1/documents/{doc_id}", params={"lang": "en"})).json()
        return str(view["title"]) if view["served_language"] == "en" else ""

    first = await send(bus_client, "translate.job.completed.v1",
                       completion(doc_id, 1, "Green procurement", "reviewer-key"))
    await eventually(lambda: _equals(english_title(), "Green procurement"), timeout=8)
    await send(bus_client, "translate.job.completed.v1",
               completion(doc_id, 1, "Green procurement", "reviewer-key"), event_id=first)
    view = (await gateway_http.get(f"/v1/documents/{doc_id}", params={"lang": "en"})).json()
    assert view["languages"]["en"]["status"] == "reviewed"
    assert view["languages"]["en"]["reviewer"] == "reviewer-key" and view["revision"] == 1

    await gateway_http.patch(f"/v1/documents/{doc_id}", headers=editor,
                             json={"title": {"es": "Compras públicas verdes"}})
    await send(bus_client, "translate.job.completed.v1",
               completion(doc_id, 1, "Stale text", "reviewer-key"))
    received = await _translations_received(settings, "job-1-Stale")
    assert received["outcome"] == "outdated"
    assert await english_title() == "Green procurement"  # kept, but marked stale
    await send(bus_client, "translate.job.completed.v1",
               completion(doc_id, 2, "Green public procurement", None))
    await eventually(lambda: _equals(english_title(), "Green public procurement"), timeout=8)

    messages = await stream_messages(settings, "catalog.>", "CATALOG", 4)
    assert [s for s, _ in messages] == [
        "catalog.document.published.v1", "catalog.document.translated.v1",
        "catalog.document.revised.v1", "catalog.document.translated.v1"]
    assert messages[2][1]["document"]["missing_languages"] == ["en"]  # the English is stale
    assert (messages[3][1]["revision"], messages[3][1]["status"]) == (2, "machine_draft")


async def _equals(value: Awaitable[str], expected: str) -> bool:
    return await value == expected


async def _translations_received(settings: Settings, job_prefix: str) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    collection = client[settings.database_name("catalog")]["translations_received"]
    found: list[dict[str, Any]] = []

    async def arrived() -> bool:
        found[:] = [r for r in await collection.find({}).to_list()
                    if str(r["_id"]).startswith(job_prefix)]
        return bool(found)
    try:
        await eventually(arrived, timeout=8)
    finally:
        await client.close()
    return found[0]


async def test_ingested_documents_are_deduplicated_and_bad_ones_rejected(
        gateway_http: httpx.AsyncClient, running_services: dict[str, RunningService],
        bus_client: NatsBroker, settings: Settings) -> None:
    doc_id = ingested_id("chilecompra", "pub-42")
    url = f"/v1/documents/{doc_id}"
    await send(bus_client, PORTAL_SUBJECT, INGESTED)
    await eventually(lambda: _status_is(gateway_http, url, 200), timeout=8)
    doc = (await gateway_http.get(url)).json()
    assert (doc["source"], doc["external_id"], doc["year"]) == ("chilecompra", "pub-42", 2024)
    assert doc["status"] == "published" and doc["regions"] == ["southern_cone"]

    await send(bus_client, PORTAL_SUBJECT, INGESTED)  # a repeat: nothing
    await send(bus_client, PORTAL_SUBJECT,
               {**INGESTED, "title": {"es": "Datos abiertos", "en": "Open data"}})
    await eventually(lambda: _revision_is(gateway_http, url, 2), timeout=8)

    await bus_client.publish(b"{not json", PORTAL_SUBJECT,
                             headers={"ce-id": "broken-1"}, stream="INGEST")
    await send(bus_client, PORTAL_SUBJECT, {**INGESTED, "type": "novel"})
    await send(bus_client, PORTAL_SUBJECT,
               {**INGESTED, "external_id": "pub-43", "countries": ["ES"]})
    rejections = await stream_messages(settings, "ingest.rejected.v1", "INGEST", 3)
    reasons = " | ".join(body["reason"] for _, body in rejections)
    assert "JSON" in reasons and "type" in reasons and "member states" in reasons
    letters = await stream_messages(settings, "dlq.>", "DLQ", 3)
    assert len(letters) == 3
    assert_problem(await gateway_http.get(f"/v1/documents/{ingested_id('chilecompra', 'pub-43')}"),
                   404)
    published = await stream_messages(settings, "catalog.>", "CATALOG", 2)
    assert [s for s, _ in published] == ["catalog.document.published.v1",
                                         "catalog.document.revised.v1"]


async def _status_is(client: httpx.AsyncClient, url: str, status: int) -> bool:
    return (await client.get(url)).status_code == status


async def _revision_is(client: httpx.AsyncClient, url: str, revision: int) -> bool:
    return bool((await client.get(url)).json()["revision"] == revision)
