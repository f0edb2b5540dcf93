"""Helpers of the site's page tests: reading forms out of HTML and sending them back."""

from __future__ import annotations

import re
from html import unescape

import httpx

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
