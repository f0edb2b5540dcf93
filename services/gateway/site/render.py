"""Rendering a page: the reader's language and zone, the shared layout's context, headers.

Every HTML answer of the site goes through `render`, so every one gets the security headers,
`Content-Language`, the language alternates and, when public, an ETag and a cache lifetime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from services.gateway.context import gateway_of
from services.gateway.site import i18n
from services.gateway.site.formatting import Reader, zone
from services.gateway.site.security import security_headers
from services.gateway.site.static import static_url

Caching = Literal["public", "private", "no-store"]
PUBLIC_MAX_AGE = 60
"""Seconds a shared cache may keep a public page: seats and listings move, but not by the second."""
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Link:
    """A language's version of this page."""

    code: str
    name: str
    url: str
    current: bool


@dataclass
class Page:
    """What a handler asks to render, with how it may be cached."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    caching: Caching = "public"
    carries_token: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    switch_to: str | None = None
    """Where the language switcher leads, when not this address: the answer to a POST has no
    address of its own to show again (the page it came from, or a page with the new state)."""


def reader_of(request: Request[Any, Any, Any]) -> Reader:
    """The reader's language and, if the browser told us (`tz` cookie or query), zone."""
    lang = i18n.negotiate(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE),
                          request.headers.get("accept-language"))
    tz = request.query_params.get("tz") or request.cookies.get("tz")
    return Reader(lang, tz if zone(tz) is not None else None)


async def speak_the_readers_language(request: Request[Any, Any, Any]) -> None:
    """Before a page's handler runs: messages made in Python (form errors) are translated
    too, not only those the template renders. A coroutine on purpose: Litestar runs a plain
    function hook in a worker thread, where the language set would be lost."""
    i18n.use(reader_of(request).lang)


def _with_lang(request: Request[Any, Any, Any], lang: str, switch_to: str | None) -> str:
    if switch_to is None and request.method not in ("GET", "HEAD"):
        switch_to = "/"
    if switch_to is not None:
        path, _, query_text = switch_to.partition("?")
        query = [(k, v) for k, v in parse_qsl(query_text) if k != "lang"]
    else:
        path = request.url.path
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return f"{path}?{urlencode([*query, ('lang', lang)])}"


def language_links(request: Request[Any, Any, Any], current: str,
                   switch_to: str | None = None) -> list[Link]:
    """The switcher: each language named in itself, linking to this page (or `switch_to`)
    in it; the staff pages use it too."""
    return [Link(code, i18n.ENDONYMS[code], _with_lang(request, code, switch_to),
                 code == current) for code in i18n.LANGUAGES]


def _base_context(request: Request[Any, Any, Any], reader: Reader,
                  switch_to: str | None) -> dict[str, Any]:
    base_url = gateway_of(request.app).settings.public_base_url.rstrip("/")
    languages = language_links(request, reader.lang, switch_to)
    csrf = value_or_default(ScopeState.from_scope(request.scope).csrf_token, None)
    return {
        "lang": reader.lang, "reader": reader, "languages": languages,
        "alternates": [(link.code, base_url + link.url) for link in languages
                       if not link.current],
        "default_alternate": base_url + (switch_to or request.url.path).split("?")[0],
        "static": static_url, "csrf_token": csrf, "path": request.url.path,
        "label": reader.label, "pick": lambda texts: pick(texts, reader.lang),
        "date_of": date_of,
    }


def pick(texts: Mapping[str, str], lang: str) -> tuple[str, str]:
    """(text, its language): the reader's version, else Spanish, English, any; ("", lang)."""
    for code in (lang, "es", "en", *texts):
        if texts.get(code):
            return texts[code], code
    return "", lang


def date_of(value: str | date | None) -> date | None:
    """A date from the ISO text services send (or None)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def render(request: Request[Any, Any, Any], page: Page) -> Response[bytes]:
    """The page as an HTML response in the reader's language."""
    reader = reader_of(request)
    i18n.use(reader.lang)
    template = request.app.template_engine.get_template(page.template)  # type: ignore[union-attr]
    body = template.render(**_base_context(request, reader, page.switch_to),
                           **page.context).encode()
    settings = gateway_of(request.app).settings
    headers = {**security_headers(settings.public_base_url, carries_token=page.carries_token),
               "Content-Language": reader.lang, "Vary": "Accept-Language, Cookie",
               **page.headers}
    cookies = language_cookie(request, reader.lang)
    caching = "private" if cookies and page.caching == "public" else page.caching
    if caching == "no-store":
        headers["Cache-Control"] = "no-store"
    else:
        etag = f'W/"{hashlib.sha256(body).hexdigest()[:20]}"'
        headers["ETag"] = etag
        headers["Cache-Control"] = (f"public, max-age={PUBLIC_MAX_AGE}" if caching == "public"
                                    else "private, no-cache")
        if page.status == 200 and etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers, cookies=cookies)
    return Response(body, status_code=page.status, media_type="text/html; charset=utf-8",
                    headers=headers, cookies=cookies)


def language_cookie(request: Request[Any, Any, Any], lang: str) -> list[Cookie]:
    """Remember a language chosen with the switcher (`?lang=`)."""
    chosen = request.query_params.get("lang")
    if chosen != lang or request.cookies.get(i18n.COOKIE) == lang:
        return []
    secure = request.url.scheme == "https"
    return [Cookie(key=i18n.COOKIE, value=lang, max_age=YEAR, path="/", samesite="lax",
                   httponly=True, secure=secure)]
