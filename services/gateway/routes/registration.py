"""Routes of the registration service: sessions, registrations, attendance, statistics.

Bodies are parsed here with the shared request models, so a bad field is a 422 problem that
names it (Litestar's own body validation would answer 400). The models refuse unknown keys and
any key shaped like a MongoDB operator; the join URL never appears in a public answer.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, cast, get_args

from litestar import Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import Field

from services.gateway.auth import SECURITY, authenticate, requires_role, secretariat_asks
from services.gateway.context import Gateway
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, encode_cursor
from services.gateway.problems import parse_body, problem, problem_responses
from services.gateway.routes import registration_examples as examples
from services.gateway.routes.api_forms import ApiRegistrationForm
from services.gateway.routes.desk import DESK_HANDLERS
from services.gateway.routes.materials import (
    SessionId,
    SessionWithMaterials,
    session_with_materials,
)
from services.gateway.routes.openapi_docs import (
    JsonBody,
    as_datetime,
    cursor_query,
    date_time_query,
    operation,
)
from services.gateway.routes.queries import parse, position_after
from services.gateway.routes.registration_links import (
    REGISTRATION_LINKS,
    SESSION_LINKS,
    RegistrationId,
)
from shared.contracts.registration.desk import SOURCE_PATTERN, SessionListStatus
from shared.contracts.registration.events import RegistrationStatus
from shared.contracts.registration.rpc import (
    Calendar,
    CalendarRef,
    CancelByToken,
    CancelSession,
    ConfirmByToken,
    CreateSession,
    OwnerMailed,
    PatchSession,
    Register,
    Registered,
    RegisterReply,
    RegistrationAction,
    RegistrationPage,
    RegistrationQuery,
    RegistrationView,
    SafeInput,
    SessionFields,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
    Stats,
    StatsQuery,
)
from shared.reference import LanguageCode, SessionFormat, TopicCode

SECRETARIAT = [requires_role("secretariat")]
SVC = "registration"
CSV_MAX_ROWS = 100_000
LANGUAGE_CODES = frozenset(get_args(LanguageCode))



# --- public ---
@get("/sessions", summary="Published sessions", responses=problem_responses(400, 401, 403, 429))
async def list_sessions(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    starts_from: Annotated[str | None, date_time_query("from")] = None,
    starts_to: Annotated[str | None, date_time_query("to")] = None,
    topic: Annotated[TopicCode | None, QueryParameter()] = None,
    format: Annotated[SessionFormat | None, QueryParameter()] = None,
    language: Annotated[LanguageCode | None, QueryParameter()] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(160)] = None,
    drafts: Annotated[bool, QueryParameter(
        description="Drafts too (those other systems announced among them): secretariat "
        "only.")] = False,
    status: Annotated[SessionListStatus | None, QueryParameter(
        description="Secretariat only: sessions in this status (`invite_only`: by visibility, "
        "`past`: ended), whatever the others.")] = None,
    source: Annotated[str | None, QueryParameter(
        pattern=SOURCE_PATTERN, description="Secretariat only: the sessions this system "
        "announced (the ingest review queue, with `status=draft`).")] = None,
) -> Page[SessionView]:
    """Public sessions in order of creation, filtered; never a join URL. The secretariat may
    ask for drafts too, or for sessions in any status or from one source: then with their
    join URLs and provenance."""
    desk = drafts or status is not None or source is not None
    if desk and (await authenticate(request)).role not in ("secretariat", "admin"):
        raise problem(403, "Only the secretariat may list drafts or sessions by status.")
    query = parse(SessionQuery, {"starts_from": as_datetime(starts_from, "from"),
                                 "starts_to": as_datetime(starts_to, "to"),
                                 "topic": topic, "format": format, "language": language,
                                 "limit": limit, "after": position_after(cursor),
                                 "published_only": not desk, "status": status,
                                 "source": source})
    reply = await gateway.call(SVC, "list_sessions", query, SessionPage)
    return Page[SessionView](items=reply.items, next_cursor=encode_cursor(reply.last))


@get("/sessions/{session_id:str}", summary="One session",
     responses=problem_responses(401, 404, 429))
async def get_session(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    session_id: SessionId, lang: Annotated[LanguageCode | None, QueryParameter()] = None,
) -> SessionWithMaterials:
    """A published session with its seats left (never the join URL) and its published
    materials, titled in `lang` when they have it. If the repository does not answer, the
    session still does: without `materials`, and `materials_unavailable` true. Asked with a
    secretariat key: drafts too, with the join URL and where an announced one came from."""
    ref = SessionRef(session_id=session_id, include_secret=await secretariat_asks(request))
    session = await gateway.call(SVC, "get_session", ref, SessionView)
    return await session_with_materials(gateway, session, lang)




@get("/sessions/{session_id:str}/calendar.ics", summary="Session as iCalendar",
     media_type="text/calendar", responses=problem_responses(404, 422, 429))
async def session_calendar(
    gateway: NamedDependency[Gateway], session_id: SessionId,
    lang: Annotated[str | None, QueryParameter(
        description="Language of the texts (es, en, pt, fr); default: the session's "
        "first language.", schema_extra={"enum": sorted(LANGUAGE_CODES)})] = None,
) -> Response[str]:
    """An .ics file with the agenda in its description and an in-person venue as its
    location; its UID stays the same and SEQUENCE grows with each reschedule."""
    request = CalendarRef(session_id=session_id, language=calendar_language(lang))
    reply = await gateway.call(SVC, "calendar", request, Calendar)
    # Litestar adds "; charset=utf-8" to text/* types itself (naming it here doubled it).
    return Response(reply.ics, media_type="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="session-{session_id[:40]}.ics"'})


def calendar_language(lang: str | None) -> LanguageCode | None:
    """`lang` as a language code; a 422 naming `lang` if it is not one of es, en, pt, fr."""
    if lang is None or lang in LANGUAGE_CODES:
        return cast(LanguageCode | None, lang)
    raise problem(422, "The request is not valid; `errors` says where.",
                  kind="invalid-request", extensions={"errors": [{
                      "field": "lang", "message": "Use one of es, en, pt, fr.",
                      "source": "query"}]})


@post("/sessions/{session_id:str}/registrations", summary="Register for a session",
      responses={201: ResponseSpec(Registered, description="The new registration."),
                 202: ResponseSpec(OwnerMailed, description=(
                     "The address is already registered for this session: its owner is "
                     "mailed the registration's status and links; nothing about it is "
                     "answered here.")),
                 **problem_responses(403, 404, 409, 410, 413, 422, 429)},
      operation_class=operation(JsonBody(ApiRegistrationForm, examples.REGISTRATION),
                                links=REGISTRATION_LINKS))
async def register(gateway: NamedDependency[Gateway], session_id: SessionId,
                   data: JSONBody[Any]) -> Response[Registered | OwnerMailed]:
    """201 with the new registration (`awaiting_confirmation` with its `confirm_by` when the
    session holds places until the address is confirmed). An address already registered:
    202 and no more (whoever typed it may not own it); its owner is mailed instead."""
    form = parse_body(ApiRegistrationForm, data)
    reply = await gateway.call(SVC, "register", Register(session_id=session_id, form=form),
                               RegisterReply)
    if not reply.created:
        return Response(OwnerMailed(), status_code=202)
    return Response(reply.registered(), status_code=201)


@post("/registrations/cancel", summary="Cancel with a mailed token", status_code=200,
      responses=problem_responses(403, 404, 409, 410, 422, 429),
      operation_class=operation(JsonBody(CancelByToken, examples.MAILED_TOKEN)))
async def cancel_by_token(gateway: NamedDependency[Gateway], data: JSONBody[Any]) -> Registered:
    """Cancel a registration or leave the waiting list with the token from the e-mail."""
    request = parse_body(CancelByToken, data)
    return await gateway.call(SVC, "cancel_by_token", request, Registered)


@post("/registrations/confirm", summary="Confirm an address with a mailed token",
      status_code=200, responses=problem_responses(403, 404, 409, 410, 422, 429),
      operation_class=operation(JsonBody(ConfirmByToken, examples.MAILED_TOKEN)))
async def confirm_by_token(gateway: NamedDependency[Gateway], data: JSONBody[Any]) -> Registered:
    """Confirm the address of a registration that holds its place until then: it takes
    the seat held (the join link is mailed), keeps its waiting-list place, or goes to the
    secretariat. 410 once the time to confirm is over."""
    request = parse_body(ConfirmByToken, data)
    return await gateway.call(SVC, "confirm_by_token", request, Registered)


@get("/stats/registration", summary="The network in numbers",
     responses=problem_responses(401, 403, 422, 429))
async def stats(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    session_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    starts_from: Annotated[str | None, date_time_query("from")] = None,
    starts_to: Annotated[str | None, date_time_query("to")] = None,
) -> Stats:
    """Sessions held, participants, countries, by dimension; cells under 5 suppressed.
    Filtering by session or period needs a secretariat key."""
    if session_id or starts_from or starts_to:
        key = await authenticate(request)
        if key.role not in ("secretariat", "admin"):
            raise problem(403, "Only the secretariat may filter the statistics.")
    query = parse(StatsQuery, {"session_id": session_id,
                               "starts_from": as_datetime(starts_from, "from"),
                               "starts_to": as_datetime(starts_to, "to")})
    return await gateway.call(SVC, "stats", query, Stats)


# --- secretariat ---
@post("/sessions", summary="Create a draft session", guards=SECRETARIAT, security=SECURITY,
      responses=problem_responses(401, 403, 413, 422),
      operation_class=operation(JsonBody(SessionFields, examples.SESSION,
                                         needs=examples.SESSION_NEEDS), links=SESSION_LINKS))
async def create_session(gateway: NamedDependency[Gateway],
                         data: JSONBody[Any]) -> SessionView:
    """A draft; publish it to open registration."""
    fields = parse_body(SessionFields, data)
    return await gateway.call(SVC, "create_session", CreateSession(fields=fields), SessionView)


@patch("/sessions/{session_id:str}", summary="Change a session", guards=SECRETARIAT,
       security=SECURITY, responses=problem_responses(401, 403, 404, 409, 422),
       operation_class=operation(JsonBody(SessionFields, examples.SESSION_CHANGE)))
async def patch_session(
    gateway: NamedDependency[Gateway], session_id: SessionId, data: JSONBody[Any],
    force: Annotated[bool, QueryParameter()] = False,
) -> SessionView:
    """A new time is a reschedule; more capacity promotes; less than confirmed needs force."""
    fields = parse_body(SessionFields, data)
    unset = "capacity" in data and data["capacity"] is None  # a dict: parse_body checked
    request = PatchSession(session_id=session_id, fields=fields, unset_capacity=unset,
                           force=force)
    return await gateway.call(SVC, "patch_session", request, SessionView)


@post("/sessions/{session_id:str}/publish", summary="Publish a session", status_code=200,
      guards=SECRETARIAT, security=SECURITY, responses=problem_responses(401, 403, 404, 409))
async def publish_session(gateway: NamedDependency[Gateway],
                          session_id: SessionId) -> SessionView:
    return await gateway.call(SVC, "publish_session", SessionRef(session_id=session_id),
                              SessionView)


@post("/sessions/{session_id:str}/cancel", summary="Cancel a session", status_code=200,
      guards=SECRETARIAT, security=SECURITY, responses=problem_responses(401, 403, 404, 422),
      operation_class=operation(JsonBody(CancelSession, examples.CANCELLATION,
                                         without=("session_id",))))
async def cancel_session(gateway: NamedDependency[Gateway], session_id: SessionId,
                         data: JSONBody[Any]) -> SessionView:
    """Cancel with a reason; every participant is told."""
    request = parse_body(CancelSession, data, session_id=session_id)
    return await gateway.call(SVC, "cancel_session", request, SessionView)


@get("/sessions/{session_id:str}/registrations", summary="Registrations of a session",
     guards=SECRETARIAT, security=SECURITY, responses=problem_responses(400, 401, 403, 422))
async def list_registrations(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    session_id: SessionId,
    status: Annotated[RegistrationStatus | None, QueryParameter()] = None,
    country: Annotated[str | None, QueryParameter(
        pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code, any case.")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(64)] = None,
) -> Response[Any]:
    """Cursor pages as JSON, or every matching row as CSV with `Accept: text/csv`; by status
    and by country."""
    query = RegistrationQuery(session_id=session_id, status=status, country=country,
                              limit=limit, after=position_after(cursor))
    if "text/csv" in request.headers.get("accept", ""):
        return Response(await _csv(gateway, query), media_type="text/csv")
    reply = await gateway.call(SVC, "list_registrations", query, RegistrationPage)
    return Response(Page[RegistrationView](items=reply.items,
                                           next_cursor=encode_cursor(reply.last)))


async def _csv(gateway: Gateway, query: RegistrationQuery) -> str:
    out = io.StringIO()
    fields = list(RegistrationView.model_fields)
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    query = query.model_copy(update={"limit": 1000})
    rows = 0
    while rows < CSV_MAX_ROWS:
        page = await gateway.call(SVC, "list_registrations", query, RegistrationPage)
        for item in page.items:
            writer.writerow({k: _cell(v) for k, v in item.model_dump(mode="json").items()})
        rows += len(page.items)
        if page.last is None:
            break
        query = query.model_copy(update={"after": page.last})
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Neutralize spreadsheet formulas (CSV injection) in text typed by registrants."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class Rejection(SafeInput):
    """The body of a rejection, as documented: its reason is required (`RegistrationAction`
    reads it)."""

    reason: str = Field(min_length=1, max_length=2000)


def _registration_action(action: str, needs_reason: bool = False) -> Any:
    @post(f"/registrations/{{registration_id:str}}/{action}", status_code=200,
          summary=f"{action.capitalize()} a registration", guards=SECRETARIAT,
          security=SECURITY, responses=problem_responses(401, 403, 404, 409, 422),
          name=f"registration_{action}", operation_class=operation(JsonBody(
              Rejection if needs_reason else RegistrationAction, examples.DECISION,
              without=("registration_id",), required=needs_reason)))
    async def act(gateway: NamedDependency[Gateway], registration_id: RegistrationId,
                  data: JSONBody[Any | None] = None) -> Registered:
        request = parse_body(RegistrationAction, {} if data is None else data,
                             registration_id=registration_id)
        if needs_reason and not request.reason:
            raise problem(422, "A reason is required.", kind="invalid-request",
                          extensions={"errors": [{"field": "reason", "message": "required",
                                                  "source": "body"}]})
        return await gateway.call(SVC, action if action != "cancel" else "cancel_registration",
                                  request, Registered)

    return act


# Litestar refuses one path in two routers (their automatic OPTIONS handlers collide), so the
# secretariat's routes that share a path with a public one (`/sessions`, `/sessions/{id}`,
# `/sessions/{id}/registrations`) sit in the public router, guarded by role like the others
# and also under the public rate limit.
PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    list_sessions, get_session, session_calendar, register, cancel_by_token, confirm_by_token,
    stats,
    create_session, patch_session, list_registrations]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [
    publish_session, cancel_session,
    _registration_action("approve"), _registration_action("reject", needs_reason=True),
    _registration_action("cancel"), *DESK_HANDLERS]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
