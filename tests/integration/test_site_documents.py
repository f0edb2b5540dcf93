"""The public site's document pages against the real services: a document in the reader's
language (or said plainly to be in another), its machine translation labelled, its files,
revisions, and a withdrawn or unknown one."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.settings import GatewaySettings
from shared.contracts.envelope import CloudEvent
from tests.integration.site_support import (
    GREEN,
    MARKUP,
    MakeKey,
    assert_cached,
    assert_page_headers,
    published,
    text_of,
)
from tests.support import eventually

pytestmark = pytest.mark.integration


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


@pytest.fixture
async def editor(gateway_http: httpx.AsyncClient, make_key: MakeKey) -> dict[str, str]:
    return {"Authorization": f"Bearer {await make_key('editor')}"}


async def send(bus: NatsBroker, subject: str, data: dict[str, Any]) -> None:
    body, headers = CloudEvent(id=uuid.uuid4().hex, type=subject, source="test",
                               time=datetime.now(UTC), data=data).to_nats()
    await bus.publish(body, subject, headers={**headers, "Nats-Msg-Id": uuid.uuid4().hex},
                      stream=subject.split(".")[0].upper())


def machine_french(doc_id: str, revision: int) -> dict[str, Any]:
    return {"job": {"job_id": uuid.uuid4().hex, "document_id": doc_id, "revision": revision,
                    "source_language": "es", "target_language": "fr"},
            "texts": {"title": "Achats publics durables", "body": "Les municipalités achètent."},
            "provenance": {"engine": "test-mt", "completed_at": datetime.now(UTC).isoformat()}}


async def test_a_document_in_the_readers_language_with_files_and_revisions(
        gateway_http: httpx.AsyncClient, editor: dict[str, str], bus_client: NatsBroker) -> None:
    http = gateway_http
    doc_id = await published(http, editor, GREEN)
    url = f"/documents/{doc_id}"

    page = await http.get(url, params={"lang": "pt"})
    assert page.status_code == 200
    assert_page_headers(page)
    assert '<html lang="pt">' in page.text
    assert ("Este documento ainda não está disponível em português; exibido em espanhol"
            in text_of(page.text))
    assert '<h1 lang="es">Compras públicas sostenibles' in page.text
    assert '<div class="document-text" lang="es">' in page.text
    assert "<p>Con criterios sostenibles y abiertos.</p>" in page.text
    assert "Chile" in text_of(page.text) and "Ana Pérez" in page.text

    english = (await http.get(url, params={"lang": "en"})).text
    assert "<h1>Sustainable public procurement in municipalities</h1>" in english
    assert "not yet available" not in english

    await send(bus_client, "translate.job.completed.v1", machine_french(doc_id, 1))

    async def french() -> bool:
        view = (await http.get(f"/v1/documents/{doc_id}", params={"lang": "fr"})).json()
        return bool(view["served_language"] == "fr")
    await eventually(french, timeout=10, interval=0.1)
    in_french = text_of((await http.get(url, params={"lang": "fr"})).text)
    assert "Achats publics durables" in in_french
    assert "traduction automatique, pas encore relue" in in_french

    uploaded = await http.post(f"/v1/documents/{doc_id}/files", headers=editor,
                               files={"file": ("notas.txt", b"hola repositorio\n", "text/plain")})
    assert uploaded.status_code == 201, uploaded.text
    changed = await http.patch(f"/v1/documents/{doc_id}", headers=editor,
                               json={"authors": ["Ana Pérez", "Luis Gómez"]})
    assert changed.status_code == 200, changed.text
    page = await http.get(url, params={"lang": "es"})
    link = re.search(r'<a href="(/v1/documents/[^"]+/files/[^"]+)">notas.txt</a>', page.text)
    assert link is not None and "(TXT, 17 B)" in text_of(page.text)
    download = await http.get(link[1])
    assert download.status_code == 200 and download.content == b"hola repositorio\n"
    text = text_of(page.text)
    assert "Revisión 3 – " in text and "(actual)" in text and "Revisión 1" in text
    old = text_of((await http.get(url, params={"revision": "1"})).text)
    assert "Está leyendo la revisión 1" in old and "Luis Gómez" not in old
    await assert_cached(http, url)


async def test_withdrawn_and_unknown_documents_are_pages(
        gateway_http: httpx.AsyncClient, editor: dict[str, str]) -> None:
    doc_id = await published(gateway_http, editor, MARKUP)
    withdrawn = await gateway_http.post(f"/v1/documents/{doc_id}/withdraw", headers=editor,
                                        json={"reason": "Reemplazado por la edición 2025"})
    assert withdrawn.status_code == 200
    gone = await gateway_http.get(f"/documents/{doc_id}", params={"lang": "es"})
    assert gone.status_code == 410
    assert_page_headers(gone)
    assert "Este documento fue retirado" in text_of(gone.text)
    assert "Reemplazado por la edición 2025" in gone.text and "<script>alert" not in gone.text

    bad_revision = await gateway_http.get("/documents/any", params={"revision": "first"})
    assert bad_revision.status_code == 400 and "<html lang=" in bad_revision.text
    for address in ("/documents/no-such-document", "/documents/bad%20id",
                    f"/documents/{doc_id}x"):
        missing = await gateway_http.get(address, params={"lang": "fr"})
        assert missing.status_code == 404
        assert_page_headers(missing)
        assert '<html lang="fr">' in missing.text
