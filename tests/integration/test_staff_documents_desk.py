"""The editors' desk pages over real HTTP, with every service behind the gateway: an editor
creates a draft from the form (a refusal of the gateway's check and one of the catalog's
rules shown at their fields, with what was typed kept), attaches a file, publishes, finds it
in the list, and withdraws it with a reason after a confirmation."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar

from tests.integration.catalog_support import a_pdf
from tests.integration.site_support import text_of
from tests.integration.staff_support import cookie_header, csrf_token, session_of

pytestmark = pytest.mark.integration

DRAFT = {"type": "study", "source_language": "es", "title_es": "Compras públicas abiertas",
         "summary_es": "Un estudio.", "title_en": "Open public procurement",
         "topics": "open_data", "countries": "pa, CL", "authors": "Ana Pérez\nLuis Gil",
         "published_on": "2027-03-14"}


def field_error(html: str, field: str) -> str:
    """The error text shown at `field` ('' if none)."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return text_of(found.group(1)) if found else ""


async def test_an_editor_creates_attaches_publishes_and_withdraws_from_the_pages(
        gateway_app: Litestar, gateway_http: httpx.AsyncClient) -> None:
    http = gateway_http
    token = await csrf_token(http)
    cookies = cookie_header(http, await session_of(gateway_app, "editor"))

    async def post(path: str, **fields: str) -> httpx.Response:
        return await http.post(path, data={"_csrf_token": token, **fields}, headers=cookies)

    async def page(path: str) -> httpx.Response:
        return await http.get(path, headers={**cookies, "Accept-Language": "en"})

    assert (await page("/staff/documents/new")).status_code == 200
    untitled = await post("/staff/documents/new", **{**DRAFT, "title_es": ""})
    assert untitled.status_code == 422
    assert field_error(untitled.text, "title_es").startswith("Error: Introduzca el título")
    assert "Un estudio." in untitled.text and 'href="#title_es"' in untitled.text
    foreign = await post("/staff/documents/new", **{**DRAFT, "countries": "ZZ"})
    assert foreign.status_code == 422  # the catalog's rule: not an INGP member state
    assert field_error(foreign.text, "countries") and 'value="ZZ"' in foreign.text

    created = await post("/staff/documents/new", **DRAFT)
    assert created.status_code == 303, created.text[:500]
    edit_path = created.headers["location"].split("?")[0]
    doc_id = edit_path.rsplit("/", 1)[1]
    editing = text_of((await page(created.headers["location"])).text)
    assert "The draft was created." in editing
    assert "Spanish Original written by an editor" in editing
    assert "English Original written by an editor" in editing  # typed here, not translated
    assert "Portuguese Missing" in editing

    pdf = a_pdf("Compras abiertas")
    attached = await http.post(f"{edit_path}/files", headers=cookies,
                               data={"_csrf_token": token},
                               files={"file": ("estudio.pdf", pdf, "application/pdf")})
    assert attached.status_code == 303, attached.text[:500]
    assert "estudio.pdf" in text_of((await page(edit_path)).text)
    empty = await http.post(f"{edit_path}/files", headers=cookies, data={"_csrf_token": token},
                            files={"file": ("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 422 and field_error(empty.text, "file")

    published = await post(f"{edit_path}/publish")
    assert published.status_code == 303
    link = re.search(rf'href="(/v1/documents/{doc_id}/files/[^"]+)">estudio.pdf<',
                     (await page(edit_path)).text)
    assert link is not None and (await http.get(link.group(1))).content == pdf
    public = await http.get(f"/v1/documents/{doc_id}", params={"lang": "en"})
    assert public.json()["status"] == "published"
    assert public.json()["title"] == "Open public procurement"
    listed = text_of((await page("/staff/documents?status=published&title=abiertas")).text)
    assert "Open public procurement" in listed and "Published" in listed
    assert "Open public procurement" not in text_of(
        (await page("/staff/documents?status=draft&title=abiertas")).text)

    assert (await page(f"{edit_path}/withdraw")).status_code == 200
    no_reason = await post(f"{edit_path}/withdraw", reason=" ")
    assert no_reason.status_code == 422 and field_error(no_reason.text, "reason")
    assert (await http.get(f"/v1/documents/{doc_id}")).status_code == 200  # still there
    withdrawn = await post(f"{edit_path}/withdraw", reason="Superseded by the 2028 study")
    assert withdrawn.status_code == 303
    tombstone = text_of((await page(withdrawn.headers["location"])).text)
    assert "The document was withdrawn." in tombstone
    assert "Superseded by the 2028 study" in tombstone
    assert (await http.get(f"/v1/documents/{doc_id}")).status_code == 410
