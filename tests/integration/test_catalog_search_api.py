"""Search against real NATS and MongoDB: the catalog's search side and the gateway's route.

Documents are written straight into the catalog database in the shape the catalog keeps them,
and events are published on the CATALOG stream the way the catalog's outbox publishes them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.catalog.bootstrap import rebuild_search_index
from services.catalog.search.entrypoints import IndexSync
from shared.bus import make_broker
from shared.contracts.catalog.search import SearchRequest
from shared.contracts.envelope import CloudEvent
from shared.servers import start_nats
from shared.service import Parts, RunningService, Runtime, start_service
from shared.settings import Settings
from shared.streams import DLQ_STREAM, INGEST_STREAM, declare_streams
from tests.integration.bus_support import deployed_password_variables
from tests.integration.search_support import SEARCH_SIDE, document, index_sync, search_side_parts
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration

DEPLOYED_NATS_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nats.conf"


CORPUS = [
    document("doc-es", type="guide", title={"es": "Licitaciones electrónicas en los municipios"},
             summary={"es": "Una guía sobre compras públicas sostenibles"},
             body={"es": "Los municipios publican sus licitaciones en línea."},
             topics=["e_procurement"], countries=["CL"], regions=["southern_cone"], year=2020,
             published_on="2020-02-01"),
    document("doc-en", source_language="en", title={"en": "How to evaluate a tender",
                                                     "es": "Cómo evaluar una oferta"},
             body={"en": "Evaluation committees score each tender.", "es": "Los comités."},
             languages={"en": {"status": "original"}, "es": {"status": "machine_draft"}},
             topics=["e_procurement", "professionalization"], countries=["US"],
             regions=["north_america"], year=2022, published_on="2022-06-01"),
    document("doc-pt", source_language="pt", title={"pt": "Contratação pública no Brasil"},
             body={"pt": "Um estudo das compras governamentais."}, topics=["msmes"],
             countries=["BR"], regions=["southern_cone"], year=2019, published_on=None),
    document("doc-draft", status="draft", title={"es": "Licitaciones en borrador"}),
]




@pytest.fixture
async def search_side(settings: Settings, catalog_db: Any) -> AsyncIterator[RunningService]:
    await catalog_db["documents"].insert_many([dict(d) for d in CORPUS])
    service = await start_service(SEARCH_SIDE, settings)
    yield service
    await service.stop()



async def publish(bus: NatsBroker, subject: str, data: dict[str, Any]) -> None:
    """An event on the CATALOG stream, as the catalog's outbox relay publishes it."""
    event = CloudEvent(id=uuid.uuid4().hex, type=subject, source="dialogues/catalog",
                       time=datetime.now(UTC), data=data)
    body, headers = event.to_nats()
    await bus.publish(body, subject, headers={**headers, "Nats-Msg-Id": event.id},
                      stream="CATALOG")


def ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["items"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("licitacion", "doc-es"), ("tenders", "doc-en"), ('"compras publicas"', "doc-es"),
    ("contratação", "doc-pt"), ("CONTRATACAO", "doc-pt"),
])
async def test_the_issue_examples_are_found(search_http: httpx.AsyncClient, query: str,
                                            expected: str) -> None:
    response = await search_http.get("/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    assert ids(response.json()) == [expected]


async def test_a_hit_shows_the_asked_language_else_the_source_one(
        search_http: httpx.AsyncClient) -> None:
    english = (await search_http.get("/v1/search", params={"q": "evaluar", "lang": "en"})).json()
    hit = english["items"][0]
    assert (hit["id"], hit["title"], hit["title_language"]) == (
        "doc-en", "How to evaluate a tender", "en")
    assert hit["languages"] == ["es", "en"] and hit["score"] > 0
    assert "<b>evaluar</b>" in hit["snippet"] and hit["snippet_language"] == "es"
    portuguese = (await search_http.get("/v1/search", params={"q": "estudo", "lang": "fr"})).json()
    assert portuguese["items"][0]["title_language"] == "pt"


async def test_drafts_are_not_found(search_http: httpx.AsyncClient) -> None:
    body = (await search_http.get("/v1/search", params={"q": "borrador"})).json()
    assert body["items"] == [] and body["total"] == 0


async def test_facets_count_the_filtered_hits(search_http: httpx.AsyncClient) -> None:
    body = (await search_http.get("/v1/search", params={"region": "southern_cone"})).json()
    assert sorted(ids(body)) == ["doc-es", "doc-pt"] and body["total"] == 2
    facets = {name: {f["value"]: f["count"] for f in counts}
              for name, counts in body["facets"].items()}
    assert facets["type"] == {"guide": 1, "study": 1}
    assert facets["region"] == {"southern_cone": 2}
    assert facets["country"] == {"CL": 1, "BR": 1}
    assert facets["year"] == {"2020": 1, "2019": 1}
    assert facets["topic"] == {"e_procurement": 1, "msmes": 1}
    assert facets["language"] == {"es": 1, "pt": 1}


@pytest.mark.parametrize(("params", "expected"), [
    ({"type": "guide"}, ["doc-es"]),
    ({"topic": ["msmes", "professionalization"]}, ["doc-en", "doc-pt"]),
    ({"country": "us"}, ["doc-en"]),
    ({"year_from": 2020, "year_to": 2021}, ["doc-es"]),
    ({"available_in": "en"}, ["doc-en"]),
    ({"q": "licitaciones", "type": "study"}, []),
])
async def test_filters(search_http: httpx.AsyncClient, params: dict[str, Any],
                       expected: list[str]) -> None:
    body = (await search_http.get("/v1/search", params=params)).json()
    assert sorted(ids(body)) == expected


async def test_sort_by_date_and_walk_the_cursor(search_http: httpx.AsyncClient) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"sort": "date", "limit": 1}
    while True:
        body = (await search_http.get("/v1/search", params=params)).json()
        seen += ids(body)
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == ["doc-en", "doc-es", "doc-pt"]


@pytest.mark.parametrize("query", [
    'title:( AND OR NOT "unclosed [x TO } ^2 ~ * \\ / +-!&|', '"', "))))", "*", ":",
    "a" * 500, "\u0000\ufeff😀",
])
async def test_any_query_text_is_safe(search_http: httpx.AsyncClient, query: str) -> None:
    response = await search_http.get("/v1/search", params={"q": query})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("params", [
    {"type": "pamphlet"}, {"lang": "de"}, {"available_in": "xx"}, {"year_from": "soon"},
    {"sort": "random"}, {"cursor": "!!!"}, {"country": "Chile"}, {"q": "a" * 501},
    {"limit": 0}, {"region": "europe"},
])
async def test_bad_parameters_are_problems(search_http: httpx.AsyncClient,
                                           params: dict[str, Any]) -> None:
    assert_problem(await search_http.get("/v1/search", params=params), 400)


async def test_events_keep_every_replica_current(
    settings: Settings, search_side: RunningService, catalog_db: Any, bus_client: NatsBroker
) -> None:
    replica = await start_service(SEARCH_SIDE, settings)
    try:
        engines = [index_sync(s.runtime).engine for s in (search_side, replica)]

        async def found(query: str) -> list[list[str]]:
            replies = [e.search(SearchRequest(q=query)) for e in engines]
            return [[hit.id for hit in reply.hits] for reply in replies]

        await catalog_db["documents"].insert_one(document(
            "doc-new", title={"en": "Framework agreements"}, source_language="en"))
        await publish(bus_client, "catalog.document.published.v1",
                      {"document": {"document_id": "doc-new"}})
        await eventually(lambda: _equals(found("framework"), [["doc-new"], ["doc-new"]]), timeout=5)
        await catalog_db["documents"].update_one(
            {"_id": "doc-new"}, {"$set": {"title.en": "Dynamic purchasing systems"}})
        await publish(bus_client, "catalog.document.revised.v1",
                      {"document": {"document_id": "doc-new"}})
        await eventually(lambda: _equals(found("dynamic"), [["doc-new"], ["doc-new"]]), timeout=5)
        assert await found("framework") == [[], []]
        await catalog_db["documents"].update_one({"_id": "doc-es"},
                                                 {"$set": {"status": "withdrawn"}})
        await publish(bus_client, "catalog.document.withdrawn.v1", {"document_id": "doc-es"})
        await eventually(lambda: _equals(found("licitacion"), [[], []]), timeout=5)
    finally:
        await replica.stop()


async def test_file_text_is_searchable(
    search_side: RunningService, catalog_db: Any, bus_client: NatsBroker
) -> None:
    engine = index_sync(search_side.runtime).engine
    await catalog_db["file_texts"].insert_one(
        {"_id": "file-1", "document_id": "doc-pt", "text": "Anexo sobre pregão eletrônico"})
    await publish(bus_client, "catalog.document.revised.v1",
                  {"document": {"document_id": "doc-pt"}})

    async def found() -> bool:
        return [h.id for h in engine.search(SearchRequest(q="pregao")).hits] == ["doc-pt"]

    await eventually(found, timeout=5)


async def _equals(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def test_a_change_made_while_the_index_is_rebuilt_is_applied(
    settings: Settings, catalog_db: Any, bus_client: NatsBroker
) -> None:
    """The follower subscribes before the rebuild reads MongoDB, so nothing falls between."""

    def rebuild_then_change_at_start(runtime: Runtime) -> Parts:
        parts = search_side_parts(runtime)
        return replace(parts, on_start=[lambda: rebuild_then_change(index_sync(runtime))])

    async def rebuild_then_change(sync: IndexSync) -> None:
        await rebuild_search_index(sync)
        await catalog_db["documents"].update_one(
            {"_id": "doc-es"}, {"$set": {"title.es": "Subasta inversa electrónica"}})
        await publish(bus_client, "catalog.document.revised.v1",
                      {"document": {"document_id": "doc-es"}})

    await catalog_db["documents"].insert_many([dict(d) for d in CORPUS])
    service = await start_service(replace(SEARCH_SIDE, build=rebuild_then_change_at_start),
                                  settings)
    try:
        engine = index_sync(service.runtime).engine

        async def found() -> bool:
            return [h.id for h in engine.search(SearchRequest(q="subasta")).hits] == ["doc-es"]

        await eventually(found, timeout=5)
    finally:
        await service.stop()


async def test_the_follower_works_under_the_deployed_nats_permissions(
    tmp_path: Path, settings: Settings, catalog_db: Any
) -> None:
    """deploy/nats.conf lets the catalog create consumers only by name: the follower does."""
    passwords = dict.fromkeys(deployed_password_variables(), "pw")
    server = start_nats(tmp_path / "nats-deployed", config=DEPLOYED_NATS_CONF,
                        env={**os.environ, **passwords})
    as_catalog = settings.model_copy(
        update={"nats_url": f"nats://catalog:pw@127.0.0.1:{server.port}"})
    # Only their owner may create the shared streams (registration, as in production).
    as_registration = settings.model_copy(
        update={"nats_url": f"nats://registration:pw@127.0.0.1:{server.port}"})
    owner = make_broker(as_registration, client_name="test-as-registration")
    await owner.connect()
    await declare_streams(owner, as_registration, INGEST_STREAM, DLQ_STREAM)
    await owner.stop()
    service = await start_service(SEARCH_SIDE, as_catalog)
    bus = make_broker(as_catalog, client_name="test-as-catalog")
    try:
        await bus.connect()
        await catalog_db["documents"].insert_one(document("doc-x", title={"es": "Pliegos"}))
        await publish(bus, "catalog.document.published.v1", {"document_id": "doc-x"})
        engine = index_sync(service.runtime).engine

        async def found() -> bool:
            return [h.id for h in engine.search(SearchRequest(q="pliego")).hits] == ["doc-x"]

        await eventually(found, timeout=5)
    finally:
        await bus.stop()
        await service.stop()
        server.stop()


async def test_a_lost_consumer_is_replaced_and_the_index_resynchronised(
    search_side: RunningService, catalog_db: Any, bus_client: NatsBroker
) -> None:
    """Away longer than the consumer's inactivity limit: events were missed, so rebuild."""
    js = bus_client.connection.jetstream()
    for consumer in await js.consumers_info("CATALOG"):
        await js.delete_consumer("CATALOG", consumer.name)
    await catalog_db["documents"].update_one({"_id": "doc-es"}, {"$set": {"status": "withdrawn"}})
    await catalog_db["documents"].insert_one(document("doc-late", title={"es": "Adendas"}))
    engine = index_sync(search_side.runtime).engine

    async def resynchronised() -> bool:
        return ([h.id for h in engine.search(SearchRequest(q="adenda")).hits] == ["doc-late"]
                and engine.search(SearchRequest(q="licitacion")).total == 0)

    await eventually(resynchronised, timeout=15)
    assert len(await js.consumers_info("CATALOG")) == 1
