"""Sessions: the list (upcoming and past, filtered, cursor-paged), one session's page with its
registration form, and calendars (.ics) to add or subscribe to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from pydantic import ValidationError

from services.gateway.context import Gateway
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.site.registration_form import form_context
from services.gateway.site.render import Page, reader_of, render
from services.gateway.site.schedule import month_bounds, window
from shared.contracts.registration.rpc import (
    Calendar,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
)
from shared.reference import LANGUAGES, SESSION_FORMATS, TOPICS, Coded

PAGE_SIZE = 10
When = Literal["upcoming", "past"]
ICS = "text/calendar; charset=utf-8"


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
    return render(request, Page("sessions.html", {
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
async def calendar_feed(gateway: NamedDependency[Gateway]) -> Response[str]:
    """Every upcoming public session, for calendar apps to subscribe to."""
    feed = await gateway.call("registration", "calendar_feed",
                              SessionQuery(starts_from=datetime.now(UTC)), Calendar)
    return Response(feed.ics, media_type=ICS, headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'inline; filename="ingp-dialogues.ics"'})


@get("/sessions/{session_id:str}", include_in_schema=False)
async def session_page(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    session_id: FromPath[str], invitation: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """What, when, in which languages, who speaks, what is left, and the form to register."""
    session = await gateway.call("registration", "get_session",
                                 SessionRef(session_id=session_id[:64]), SessionView)
    context = {"session": session, "window": window(session, datetime.now(UTC)),
               **form_context(session, {"invitation_token": invitation[:1000]}, {},
                             reader_of(request).lang)}
    # The form carries a per-browser CSRF token: no shared cache may keep this page.
    return render(request, Page("session.html", context, caching="private"))


@get("/sessions/{session_id:str}/calendar.ics", include_in_schema=False, opt={"no_csrf": True})
async def session_calendar(gateway: NamedDependency[Gateway],
                           session_id: FromPath[str]) -> Response[str]:
    """The session as an .ics file (same UID as the mailed invitation, no join URL)."""
    reply = await gateway.call("registration", "calendar",
                               SessionRef(session_id=session_id[:64]), Calendar)
    return Response(reply.ics, media_type=ICS, headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'attachment; filename="session.ics"'})


HANDLERS = [session_list, calendar_feed, session_page, session_calendar]
