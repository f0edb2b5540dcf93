"""The editors' desk through the gateway: documents in every status listed, filtered and
paged; the ingest review queue; one document with every language's texts; documents stored
before the list get its fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.catalog.domain import documents as rules
from services.catalog.store import DocumentStore
from services.gateway.keys import Role
from shared.contracts.catalog.editing import DocumentCriteria
from tests.integration.catalog_support import INGESTED, PORTAL_SUBJECT, send
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration

KeyMaker = Callable[[Role], Awaitable[str]]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def listed(client: httpx.AsyncClient, editor: dict[str, str],
                 **params: Any) -> list[str]:
    """Titles (source language) of every document the criteria list, walking all pages."""
    titles: list[str] = []
    cursor = None
    while True:
        page = await client.get("/v1/documents", headers=editor,
                                params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        titles += [item["title"][item["source_language"]] for item in body["items"]]
        if not (cursor := body["next_cursor"]):
            return titles


async def test_editors_list_documents_in_every_status(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, bus_client: NatsBroker) -> None:
    editor = auth(await make_key("editor"))
    await send(bus_client, PORTAL_SUBJECT, INGESTED)  # "Datos abiertos en compras"
    await eventually(lambda: listed(gateway_http, editor, origin="ingested"), timeout=8)
    ids = {}
    for title, kind in (("Guía de compras públicas", "guide"), ("Datos de género", "study"),
                        ("Compras sostenibles", "guide")):
        draft = {"type": kind, "source_language": "es", "title": {"es": title}}
        made = await gateway_http.post("/v1/documents", json=draft, headers=editor)
        ids[title] = made.json()["id"]
    await gateway_http.post(f"/v1/documents/{ids['Datos de género']}/publish", headers=editor)
    await gateway_http.patch(f"/v1/documents/{ids['Guía de compras públicas']}", headers=editor,
                             json={"title": {"en": "Public procurement guide"}})

    everything = await listed(gateway_http, editor, limit=2)  # two pages and a bit
    assert everything == ["Guía de compras públicas", "Datos de género", "Compras sostenibles",
                          "Datos abiertos en compras"]  # latest change first
    assert await listed(gateway_http, editor, status="draft") == [
        "Guía de compras públicas", "Compras sostenibles"]
    assert await listed(gateway_http, editor, type=["study", "publication"]) == [
        "Datos de género", "Datos abiertos en compras"]
    assert await listed(gateway_http, editor, title="COMPRA") == [
        "Guía de compras públicas", "Compras sostenibles", "Datos abiertos en compras"]
    assert await listed(gateway_http, editor, title="publica guia") == [
        "Guía de compras públicas"]
    assert await listed(gateway_http, editor, origin="here", status="published") == [
        "Datos de género"]
    assert await listed(gateway_http, editor, source="chilecompra") == [
        "Datos abiertos en compras"]
    assert await listed(gateway_http, editor, language="en") == ["Guía de compras públicas"]
    assert len(await listed(gateway_http, editor, language="en",
                            language_status="missing")) == 3

    first = (await gateway_http.get("/v1/documents", headers=editor)).json()["items"][0]
    assert first["title"] == {"es": "Guía de compras públicas",
                              "en": "Public procurement guide"}
    assert first["languages"]["en"]["produced_by"] == "editor"
    assert first["languages"]["pt"] == {**first["languages"]["pt"], "status": "missing",
                                        "produced_by": None}
    sent = (await gateway_http.get("/v1/documents", headers=editor,
                                   params={"origin": "ingested"})).json()["items"][0]
    assert (sent["status"], sent["source"], sent["external_id"]) == (
        "published", "chilecompra", "pub-42")  # portals publish directly
    assert sent["languages"]["es"]["produced_by"] == "ingest"

    editing = await gateway_http.get(
        f"/v1/documents/{ids['Guía de compras públicas']}/editing", headers=editor)
    assert editing.json()["texts"]["title"] == first["title"]
    assert editing.json()["languages"]["es"]["produced_by"] == "editor"
    await refusals(gateway_http, make_key)  # on the same stack: each one costs a second


async def refusals(gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    """The list is for editors (and the secretariat), and each bad parameter is named."""
    assert_problem(await gateway_http.get("/v1/documents"), 401)
    translator = auth(await make_key("translator"))
    assert_problem(await gateway_http.get("/v1/documents", headers=translator), 403)
    editor = auth(await make_key("secretariat"))
    for params, field in (({"status": "archived"}, "status"), ({"limit": "0"}, "limit"),
                          ({"language_status": "reviewed"}, "language_status"),
                          ({"source": "Bad Source"}, "source"),
                          ({"cursor": "bm90IGEgcG9zaXRpb24"}, "cursor")):
        answer = await gateway_http.get("/v1/documents", headers=editor, params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert [e["field"] for e in answer.json()["errors"]] == [field], answer.text


async def test_documents_stored_before_the_list_are_given_its_fields(catalog_db: Any) -> None:
    store = DocumentStore(catalog_db)
    now = datetime.now(UTC)
    old = rules.new_document("doc_old", {"type": "guide", "source_language": "es",
                                         "title": {"es": "Manual antiguo"}}, now, None)
    await catalog_db["documents"].insert_one(old)  # as stored before: no listing fields
    criteria = DocumentCriteria(title="antig")
    assert await store.listed(criteria, None, 10) == []
    assert await store.add_missing_listing_fields() == 1
    assert [doc["_id"] for doc in await store.listed(criteria, None, 10)] == ["doc_old"]
    assert await store.add_missing_listing_fields() == 0
