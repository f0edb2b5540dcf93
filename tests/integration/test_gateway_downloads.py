"""Downloads of uploaded files: never sniffed, and shown inline only when the type is safe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.integration.catalog_support import a_pdf, published_document, upload

pytestmark = pytest.mark.integration

PAGE = b"<!doctype html><html><body><script>document.title='owned'</script></body></html>\n"


async def test_an_uploaded_page_is_an_attachment_and_a_pdf_is_shown(
    gateway_http: httpx.AsyncClient, make_key: Callable[[str], Awaitable[str]]
) -> None:
    editor = {"Authorization": f"Bearer {await make_key('editor')}"}
    doc_id = await published_document(gateway_http, editor)
    page = await upload(gateway_http, editor, doc_id, "agenda.html", PAGE)
    pdf = await upload(gateway_http, editor, doc_id, "estudio.pdf", a_pdf("Compras"))
    assert page.status_code == pdf.status_code == 201, (page.text, pdf.text)

    url = f"/v1/documents/{doc_id}/files/{page.json()['file_id']}"
    for answer in (await gateway_http.get(url),
                   await gateway_http.get(url, headers={"Range": "bytes=0-9"})):
        assert answer.status_code in (200, 206)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert "agenda.html" in answer.headers["content-disposition"]
    shown = await gateway_http.get(f"/v1/documents/{doc_id}/files/{pdf.json()['file_id']}")
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["content-disposition"].startswith("inline;")
