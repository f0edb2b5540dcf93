"""The ingest review queue (`/staff/ingest`): what other systems sent, to be looked at.

Two lists, newest first, each row linking to where it is reviewed: sessions the webinar
platform (or another system) announced, still drafts (the session desk, `/staff/sessions/{id}`),
and documents member portals sent (the editors' page, `/staff/documents/{id}`). The same RPCs
as `GET /v1/sessions?status=draft&source=` and `GET /v1/documents?origin=ingested`.

The session list has no "any source" filter: without a source the page reads the drafts (one
page of up to 200, the RPC's most) and keeps those that came from a system; with more drafts
than that it says so and asks for a source.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final

from litestar import Request, Response, get

from services.gateway.context import gateway_of
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.site.formatting import aware
from services.gateway.site.render import reader_of
from services.gateway.staff.i18n import gettext
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.catalog.editing import (
    CHANGE_POSITION,
    DocumentCriteria,
    DocumentPage,
    ListDocuments,
)
from shared.contracts.catalog.events import SOURCE_PATTERN
from shared.contracts.registration.rpc import SessionPage, SessionQuery, SessionView

SECRETARIAT = [staff_only("secretariat")]
DRAFTS_READ: Final = 200
DOCUMENTS_SHOWN: Final = 50


def announced_newest_first(sessions: list[SessionView]) -> list[SessionView]:
    """The sessions another system announced, the latest received first."""
    announced = [s for s in sessions if s.provenance and s.provenance.get("source")]
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(announced, key=lambda s: received_at(s) or oldest, reverse=True)


def received_at(session: SessionView) -> datetime | None:
    """When the announcement came in (provenance carries it as ISO text over the bus)."""
    value = (session.provenance or {}).get("received_at")
    if isinstance(value, datetime):
        return aware(value)
    try:
        return aware(datetime.fromisoformat(str(value))) if value else None
    except ValueError:
        return None


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


DOCUMENT_STATES: Final[dict[str, str]] = {
    "draft": N_("Draft"), "published": N_("Published"), "withdrawn": N_("Withdrawn")}


def document_state(status: str) -> str:
    """A document's status in the current language."""
    return gettext(DOCUMENT_STATES.get(status, status))


def _source(value: str | None) -> str | None:
    typed = (value or "").strip().lower()
    return typed if re.fullmatch(SOURCE_PATTERN, typed) else None


def _position(cursor: str | None) -> str | None:
    try:
        position = decode_cursor(cursor) if cursor else None
    except ValueError:
        return None
    return position if position and re.fullmatch(CHANGE_POSITION, position) else None


@get("/staff/ingest", include_in_schema=False, guards=SECRETARIAT)
async def ingest_queue(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Announced draft sessions and ingested documents, by source if one is given."""
    typed = request.query_params.get("source", "")[:64]
    source, after = _source(typed), _position(request.query_params.get("cursor"))
    gateway = gateway_of(request.app)
    drafts = await gateway.call("registration", "list_sessions", SessionQuery(
        published_only=False, status="draft", source=source, limit=DRAFTS_READ), SessionPage)
    documents = await gateway.call("catalog", "list", ListDocuments(
        criteria=DocumentCriteria(origin="ingested", source=source),
        limit=DOCUMENTS_SHOWN, after=after), DocumentPage)
    base = "/staff/ingest" + (f"?source={source}" if source else "")
    next_cursor, reader = encode_cursor(documents.next_after), reader_of(request)
    return render_staff(request, StaffPage("ingest.html", {
        "sessions": announced_newest_first(drafts.items), "more_drafts": drafts.last is not None,
        "documents": documents.items, "source": source, "typed": typed,
        "source_error": bool(typed.strip()) and source is None, "reader": reader,
        "received_at": received_at, "document_state": document_state,
        "title_of": lambda texts: texts.get(reader.lang) or next(iter(texts.values()), ""),
        "first_href": base if after else None,
        "next_href": f"{base}{'&' if source else '?'}cursor={next_cursor}"
        if next_cursor else None}, status=422 if typed.strip() and source is None else 200))


HANDLERS = [ingest_queue]
