"""With the real catalog: a published Spanish document ends up with its reviewed English."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from services.gateway.keys import Role
from tests.integration.translate_support import english, job_of
from tests.support import eventually

pytestmark = pytest.mark.integration


async def test_the_catalog_ends_up_with_the_reviewed_english_version(
    gateway_http: httpx.AsyncClient, make_key: Callable[[Role], Awaitable[str]]
) -> None:
    http = gateway_http
    boss = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    translator = {"Authorization": f"Bearer {await make_key('translator')}"}
    created = await http.post("/v1/documents", headers=boss, json={
        "type": "guide", "source_language": "es", "title": {"es": "Guía de compras"},
        "body": {"es": "La contratación pública es clave. Los datos abiertos ayudan a las "
                       "MIPYMES."}})
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    published = await http.post(f"/v1/documents/{document_id}/publish", headers=boss)
    assert published.status_code == 200, published.text

    summary = await eventually(lambda: job_of(http, translator, document_id), timeout=15)
    url = f"/v1/translations/{summary['id']}"
    job = (await http.get(url, headers=translator)).json()
    draft = {"segments": [{"id": s["id"], "target": english(s["source"])}
                          for s in job["segments"]]}
    assert (await http.post(f"{url}/claim", headers=translator)).status_code == 200
    assert (await http.put(f"{url}/draft", json=draft, headers=translator)).status_code == 200
    assert (await http.post(f"{url}/submit", headers=translator)).status_code == 200
    assert (await http.post(f"{url}/approve", headers=boss)).status_code == 200

    async def english_version() -> dict[str, object] | None:
        answer = await http.get(f"/v1/documents/{document_id}", params={"lang": "en"})
        view: dict[str, object] = answer.json()
        return view if view.get("served_language") == "en" else None

    view = await eventually(english_version, timeout=15)
    assert view["title"] == "Procurement guide"
    assert view["body"] == "Public procurement is key. Open data helps MSMEs."
    await eventually(lambda: job_of(http, translator, document_id, "delivered"), timeout=15)
