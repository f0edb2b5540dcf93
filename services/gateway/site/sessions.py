"""Sessions: the list (upcoming and past, filtered, cursor-paged), one session's page with its
registration form, and calendars (.ics) to add or subscribe to."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromPath, QueryParameter
from pydantic import ValidationError

from services.gateway.context import Gateway
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.problems import problem
from services.gateway.routes.registration import calendar_language
from services.gateway.site.programme import feed_links, programme_context
from services.gateway.site.registration_form import form_context
from services.gateway.site.render import Page, reader_of, render
from services.gateway.site.schedule import month_bounds, window
from shared.contracts.catalog.search import SearchHit, SearchReply, SearchRequest
from shared.contracts.registration.rpc import (
    Calendar,
    CalendarRef,
    FeedQuery,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure
from shared.reference import LANGUAGES, SESSION_FORMATS, TOPICS, Coded

PAGE_SIZE = 10
When = Literal["upcoming", "past"]
ICS = "text/calendar; charset=utf-8"
MATERIALS = 50


@get("/sessions", include_in_schema=False, opt={"no_csrf": True})
async def session_list(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    when: Annotated[str, QueryParameter()] = "upcoming",
    topic: Annotated[str, QueryParameter()] = "", format: Annotated[str, QueryParameter()] = "",
    language: Annotated[str, QueryParameter()] = "", month: Annotated[str, QueryParameter()] = "",
    cursor: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """Upcoming sessions soonest first, past ones latest first; unknown filters are ignored."""
    shown: When = "past" if when == "past" else "upcoming"
    query = _query(shown, topic, format, language, month, cursor)
    page = await gateway.call("registration", "list_sessions", query, SessionPage)
    filters = {"when": shown, "topic": query.topic or "", "format": query.format or "",
               "language": query.language or "", "month": month if month_bounds(month) else ""}
    lang = reader_of(request).lang
    base_url = gateway.settings.public_base_url
    return render(request, Page("sessions.html", {
        "feed": feed_links(base_url, filters["topic"], filters["language"]),
        "sessions": page.items, "filters": filters, "next_cursor": encode_cursor(page.last),
        "first_page": not cursor, "query_without_cursor": urlencode(
            [(k, v) for k, v in filters.items() if v]),
        "topic_options": _options(TOPICS, lang), "format_options": _options(SESSION_FORMATS, lang),
        "language_options": _options(LANGUAGES, lang)}))


def _options(vocabulary: Sequence[Coded[str]], lang: str) -> list[tuple[str, str]]:
    return sorted(((entry.code, entry.labels.for_language(lang)) for entry in vocabulary),
                  key=lambda option: option[1].casefold())


def _query(when: When, topic: str, format: str, language: str, month: str,
           cursor: str) -> SessionQuery:
    now = datetime.now(UTC)
    bounds = month_bounds(month)
    starts_from, starts_to = bounds if bounds else (None, None)
    if when == "upcoming":
        starts_from = max(starts_from, now) if starts_from else now
    else:
        starts_to = min(starts_to, now) if starts_to else now
    try:
        after = decode_cursor(cursor) if cursor else None
    except ValueError:
        after = None  # a mangled cursor starts the list again rather than failing
    fields: dict[str, Any] = {"starts_from": starts_from, "starts_to": starts_to,
                              "order": "starts_at" if when == "upcoming" else "starts_at_desc",
                              "limit": PAGE_SIZE, "after": after}
    for name, value in (("topic", topic), ("format", format), ("language", language)):
        if value:
            fields[name] = value
    try:
        return SessionQuery.model_validate(fields)
    except ValidationError:
        return SessionQuery.model_validate({k: v for k, v in fields.items()
                                            if k not in ("topic", "format", "language")})


@get("/sessions/calendar.ics", include_in_schema=False, opt={"no_csrf": True})
async def calendar_feed(
    gateway: NamedDependency[Gateway],
    topic: Annotated[list[str] | None, QueryParameter()] = None,
    lang: Annotated[str | None, QueryParameter()] = None,
) -> Response[str]:
    """Every upcoming public session, for calendar apps to subscribe to: any of the topics
    (`topic`, repeatable), held in or interpreted into `lang`, with texts in `lang`."""
    query = feed_query(topic or [], lang)
    feed = await gateway.call("registration", "calendar_feed", query, Calendar)
    return Response(feed.ics, media_type=ICS, headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'inline; filename="ingp-dialogues.ics"'})


def feed_query(topics: list[str], lang: str | None) -> FeedQuery:
    """The feed's filters; a 422 naming `topic` or `lang` when one is not a known code (a
    subscription with a typo would otherwise silently show every session)."""
    language = calendar_language(lang)
    try:
        return FeedQuery(starts_from=datetime.now(UTC), topics=topics[:16], language=language)
    except ValidationError:
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": [{
                          "field": "topic", "message": "Not a known topic code.",
                          "source": "query"}]}) from None


@get("/sessions/{session_id:str}", include_in_schema=False)
async def session_page(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    session_id: FromPath[str], invitation: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """What, when, in which languages, who speaks, the programme, what is left, the
    materials, and the form to register."""
    reader = reader_of(request)
    session, materials = await asyncio.gather(
        gateway.call("registration", "get_session", SessionRef(session_id=session_id[:64]),
                     SessionView),
        materials_of(gateway, session_id[:64], reader.lang))
    context = {"session": session, "window": window(session, datetime.now(UTC)),
               **programme_context(session, reader, gateway.settings.public_base_url,
                                   materials),
               **form_context(session, {"invitation_token": invitation[:1000]}, {},
                             reader.lang)}
    # The form carries a per-browser CSRF token: no shared cache may keep this page.
    return render(request, Page("session.html", context, caching="private"))


async def materials_of(gateway: Gateway, session_id: str, lang: str) -> list[SearchHit] | None:
    """The session's documents in the repository, newest first; None when the catalog
    cannot say (the page then says so rather than failing). Only hits the catalog ties to
    this session are kept, whatever it does with the filter."""
    try:
        found = await gateway.call("catalog", "search", SearchRequest(
            session=session_id, lang=lang, sort="date", limit=MATERIALS), SearchReply)
    except (RpcFailure, HTTPException, ValidationError):
        return None
    return [hit for hit in found.hits if hit.session_id == session_id]


@get("/sessions/{session_id:str}/calendar.ics", include_in_schema=False, opt={"no_csrf": True})
async def session_calendar(gateway: NamedDependency[Gateway], session_id: FromPath[str],
                           lang: Annotated[str | None, QueryParameter()] = None,
                           ) -> Response[str]:
    """The session as an .ics file in `lang` (default: the session's first language), with
    its agenda (same UID as the mailed invitation, no join URL)."""
    request = CalendarRef(session_id=session_id[:64], language=calendar_language(lang))
    reply = await gateway.call("registration", "calendar", request, Calendar)
    return Response(reply.ics, media_type=ICS, headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'attachment; filename="session.ics"'})


HANDLERS = [session_list, calendar_feed, session_page, session_calendar]
