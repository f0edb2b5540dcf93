"""Search and harvesting follow a document through the whole catalog (all services running)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from services.gateway.keys import Role
from tests.support import eventually

pytestmark = pytest.mark.integration

OAI = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
DRAFT = {
    "type": "case_study", "source_language": "pt",
    "title": {"pt": "Contratação pública sustentável em municípios"},
    "summary": {"pt": "Estudo de caso sobre compras verdes."},
    "body": {"pt": "Os municípios adotaram critérios ambientais nas licitações."},
    "topics": ["sustainable_procurement"], "countries": ["BR"], "published_on": "2024-03-01",
}


async def hits(http: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await http.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def record(http: httpx.AsyncClient, doc_id: str) -> ET.Element:
    response = await http.get("/oai", params={"verb": "GetRecord", "metadataPrefix": "oai_dc",
                                              "identifier": f"oai:ingp.oas.org:{doc_id}"})
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314  (our own gateway's answer)


async def test_publish_revise_withdraw(
    gateway_http: httpx.AsyncClient, make_key: Callable[[Role], Awaitable[str]]
) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    created = await gateway_http.post("/v1/documents", json=DRAFT, headers=editor)
    assert created.status_code == 201, created.text
    doc_id = created.json()["id"]
    assert (await hits(gateway_http, q="contratacao"))["total"] == 0  # a draft is not found
    published = await gateway_http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    assert published.status_code == 200, published.text

    async def found(query: str) -> bool:
        return [h["id"] for h in (await hits(gateway_http, q=query))["items"]] == [doc_id]

    await eventually(lambda: found("contratação"), timeout=10, interval=0.1)
    body = await hits(gateway_http, q="municipios", topic="sustainable_procurement")
    assert body["facets"]["region"] == [{"value": "southern_cone", "count": 1}]
    title = (await record(gateway_http, doc_id)).findtext(".//dc:title", namespaces=OAI)
    assert title == DRAFT["title"]["pt"]  # type: ignore[index]

    revised = await gateway_http.patch(f"/v1/documents/{doc_id}", headers=editor,
                                       json={"title": {"pt": "Pregão eletrônico nos estados"}})
    assert revised.status_code == 200, revised.text
    await eventually(lambda: found("pregao"), timeout=10, interval=0.1)

    withdrawn = await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor,
                                        json={"reason": "superseded"})
    assert withdrawn.status_code == 200, withdrawn.text

    async def gone() -> bool:
        return bool((await hits(gateway_http, q="pregao"))["total"] == 0)

    await eventually(gone, timeout=10, interval=0.1)
    header = (await record(gateway_http, doc_id)).find(".//o:header", OAI)
    assert header is not None and header.get("status") == "deleted"
