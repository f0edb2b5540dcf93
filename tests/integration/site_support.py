"""Helpers of the site's page tests: forms read out of HTML and sent back, documents to
publish, and the headers every page carries."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from html import unescape
from typing import Any

import httpx

from services.gateway.keys import Role

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, form key, mailed token)."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


async def submit(http: httpx.AsyncClient, page_url: str, action: str,
                 fields: dict[str, str], **params: str) -> httpx.Response:
    """Open `page_url` as a browser would, then post its form to `action` with `fields`
    added to the hidden ones (the CSRF cookie travels in the client's cookie jar)."""
    page = await http.get(page_url, params=params or None)
    assert page.status_code == 200, page.text[:500]
    return await http.post(action, data={**hidden_fields(page.text), **fields})


def text_of(html: str) -> str:
    """The visible text of a page, roughly: tags dropped, entities decoded, spaces squeezed."""
    without_tags = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", html))
    return re.sub(r"\s+", " ", unescape(without_tags)).strip()


MakeKey = Callable[[Role], Awaitable[str]]


GREEN = {"type": "guide", "source_language": "es",
         "title": {"es": "Compras públicas sostenibles en municipios",
                   "en": "Sustainable public procurement in municipalities"},
         "summary": {"es": "Guía para comprar con criterios sostenibles.",
                     "en": "A guide to buying with sustainable criteria."},
         "body": {"es": "Los municipios compran.\n\nCon criterios sostenibles y abiertos.",
                  "en": "Municipalities buy.\n\nWith sustainable and open criteria."},
         "topics": ["sustainable_procurement"], "countries": ["CL"],
         "authors": ["Ana Pérez"], "published_on": "2023-05-01"}


MARKUP = {"type": "study", "source_language": "es",
          "title": {"es": "<script>alert(1)</script> Licitación sostenible"},
          "summary": {"es": "Un <b>falso</b> resaltado & una compra sostenible."},
          "countries": ["PE"], "published_on": "2024-01-10"}


async def published(http: httpx.AsyncClient, editor: dict[str, str],
                    draft: dict[str, Any]) -> str:
    created = await http.post("/v1/documents", json=draft, headers=editor)
    assert created.status_code == 201, created.text
    doc_id: str = created.json()["id"]
    answer = await http.post(f"/v1/documents/{doc_id}/publish", headers=editor)
    assert answer.status_code == 200, answer.text
    return doc_id


def assert_page_headers(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "style-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


async def assert_cached(http: httpx.AsyncClient, url: str) -> None:
    """An ETag, and the same page again answers 304."""
    first = await http.get(url)
    assert first.status_code == 200 and first.headers["etag"]
    again = await http.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


Fields = dict[str, str | list[str]]


WISH: Fields = {"email": "lectora@example.org", "language": "pt", "frequency": "weekly",
                "documents": "true", "topics": ["sustainable_procurement", "open_data"],
                "countries": ["CO", "BR"]}


async def send_form(http: httpx.AsyncClient, page: str, action: str,
                    fields: Mapping[str, str | list[str]],
                    lang: str = "en") -> httpx.Response:
    """Open `page` as a browser would (CSRF cookie and hidden fields), then post its form."""
    shown = await http.get(httpx.URL(page).copy_merge_params({"lang": lang}))
    assert shown.status_code == 200, text_of(shown.text)[:300]
    assert "dlg_csrf" in http.cookies
    return await http.post(action, data={**hidden_fields(shown.text), **fields})
