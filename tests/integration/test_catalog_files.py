"""Files through the gateway: content checks, dedupe, text extraction, ranges and ETags."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from docx import Document as DocxDocument
from pymongo import AsyncMongoClient

from services.catalog.domain.errors import Refusal
from services.catalog.store import FileStore
from services.gateway.keys import Role
from shared.settings import Settings
from tests.integration.catalog_support import a_pdf, published_document, upload
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration

KeyMaker = Callable[[Role], Awaitable[str]]
PHRASE = "Compras publicas sostenibles en la region andina"


def a_docx(text: str) -> bytes:
    document = DocxDocument()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_a_pdf_is_kept_deduplicated_read_back_and_its_text_extracted(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker, settings: Settings) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    pdf = a_pdf(PHRASE, pages=8)

    stored = await upload(gateway_http, editor, doc_id, "estudio.bin", pdf)
    assert stored.status_code == 201, stored.text
    info = stored.json()
    assert info["content_type"] == "application/pdf"  # by content, not by the name
    assert info["sha256"] == hashlib.sha256(pdf).hexdigest() and info["size"] == len(pdf)
    assert (info["duplicate"], info["text_extracted"]) == (False, True)
    again = (await upload(gateway_http, editor, doc_id, "copia.pdf", pdf)).json()
    assert (again["file_id"], again["duplicate"]) == (info["file_id"], True)

    doc = (await gateway_http.get(f"/v1/documents/{doc_id}")).json()
    assert doc["revision"] == 2 and [f["file_id"] for f in doc["files"]] == [info["file_id"]]
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(settings.effective_mongo_url())
    try:
        text = await client[settings.database_name("catalog")]["file_texts"].find_one(
            {"_id": info["file_id"]})
    finally:
        await client.close()
    assert text is not None and text["document_id"] == doc_id
    assert PHRASE in str(text["text"]).replace("\n", " ")

    url = f"/v1/documents/{doc_id}/files/{info['file_id']}"
    whole = await gateway_http.get(url)
    assert whole.status_code == 200 and whole.content == pdf
    assert whole.headers["content-type"].startswith("application/pdf")
    assert whole.headers["content-length"] == str(len(pdf))
    etag = whole.headers["etag"]
    assert etag == f'"{info["sha256"]}"'
    assert (await gateway_http.get(url, headers={"If-None-Match": etag})).status_code == 304
    part = await gateway_http.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == pdf[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(pdf)}"
    tail = await gateway_http.get(url, headers={"Range": "bytes=-5"})
    assert tail.status_code == 206 and tail.content == pdf[-5:]
    assert_problem(await gateway_http.get(url, headers={"Range": f"bytes={len(pdf)}-"}), 416)
    assert_problem(await gateway_http.get(f"/v1/documents/{doc_id}/files/nope"), 404)


async def test_docx_and_markdown_are_accepted_and_other_content_refused(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    docx = (await upload(gateway_http, editor, doc_id, "guia.docx", a_docx(PHRASE))).json()
    assert docx["content_type"].endswith("wordprocessingml.document") and docx["text_extracted"]
    markdown = (await upload(gateway_http, editor, doc_id, "notas.md", b"# Notas\n\nTexto")).json()
    assert markdown["content_type"] == "text/markdown"

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    refused = assert_problem(await upload(gateway_http, editor, doc_id, "informe.pdf", png), 422)
    assert "not accepted" in str(refused["detail"])
    assert_problem(await upload(gateway_http, editor, doc_id, "vacio.txt", b""), 422)
    missing_field = await gateway_http.post(f"/v1/documents/{doc_id}/files", headers=editor,
                                            files={"other": ("a.txt", b"hola", "text/plain")})
    assert_problem(missing_field, 422)
    huge = b"a" * (20 * 1024 * 1024 + 100_000)
    assert_problem(await upload(gateway_http, editor, doc_id, "enorme.txt", huge), 413)
    assert_problem(await upload(gateway_http, editor, "doc_nothing", "a.txt", b"hola"), 404)
    odd_name = (await upload(gateway_http, editor, doc_id, "   ", b"hola")).json()
    assert odd_name["name"] == "file"


async def test_a_file_larger_than_one_bus_message_goes_both_ways_in_pieces(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    text = ("Línea de un acta muy larga con acentos: áéíóú ñ.\n" * 40_000).encode()
    assert len(text) > 2 * 1024 * 1024
    info = (await upload(gateway_http, editor, doc_id, "acta.txt", text)).json()
    assert info["content_type"] == "text/plain" and info["size"] == len(text)
    url = f"/v1/documents/{doc_id}/files/{info['file_id']}"
    assert (await gateway_http.get(url)).content == text
    middle = await gateway_http.get(url, headers={"Range": "bytes=300000-899999"})
    assert middle.status_code == 206 and middle.content == text[300000:900000]


async def test_the_text_of_an_attached_pdf_is_found_by_search(
        gateway_http: httpx.AsyncClient, make_key: KeyMaker) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    word = "Zapallitoexclusivo"  # only in the PDF, not in the document's own texts
    stored = await upload(gateway_http, editor, doc_id, "anexo.pdf", a_pdf(f"Anexo {word} final"))
    assert stored.json()["text_extracted"] is True

    async def found() -> bool:
        hits = (await gateway_http.get("/v1/search", params={"q": word.lower()})).json()
        return [hit["id"] for hit in hits.get("items", [])] == [doc_id]

    await eventually(found, timeout=10, interval=0.1, what="the PDF's text found by search")


async def test_pieces_of_abandoned_uploads_are_swept(settings: Settings) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(settings.effective_mongo_url())
    files = FileStore(client[settings.database_name("catalog")])
    now = datetime.now(UTC)
    try:
        await files.put_part("up_old", 0, b"x", now - timedelta(hours=2))
        await files.put_part("up_new", 0, b"y", now)
        assert await files.drop_abandoned_parts(now - timedelta(hours=1)) == 1
        assert await files.assemble("up_new", 1) == b"y"
        with pytest.raises(Refusal):
            await files.assemble("up_old", 1)
    finally:
        await client.close()
