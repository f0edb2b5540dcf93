"""Routes of events with parts (seminars over several days, series of editions): the
registration service's gatherings (`rpc.registration.*_gathering*`).

The public reads published events and registers for one as a whole; the secretariat creates,
changes and publishes them. Parts are sessions whose `event_id` names the event, made and
published with the session routes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.types import ControllerRouterHandler

from services.gateway.auth import SECURITY, authenticate, requires_role, secretariat_asks
from services.gateway.context import Gateway
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, encode_cursor
from services.gateway.problems import parse_body, problem, problem_responses
from services.gateway.routes import registration_examples as examples
from services.gateway.routes.api_forms import ApiRegistrationForm
from services.gateway.routes.openapi_docs import JsonBody, cursor_query, links_to, operation
from services.gateway.routes.queries import position_after
from shared.contracts.registration.gatherings import (
    CreateGathering,
    GatheringDetail,
    GatheringFields,
    GatheringPage,
    GatheringQuery,
    GatheringRef,
    GatheringRegistered,
    GatheringView,
    PatchGathering,
    RegisterForGathering,
)
from shared.reference import LanguageCode

SECRETARIAT = [requires_role("secretariat")]
EVENT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
SVC = "registration"
# Stated, not enforced here: an id of another shape names no event (404, as `_event_id` says).
EventId = Annotated[str, PathParameter(schema_extra={"pattern": f"^{EVENT_ID.pattern}$"},
                                       description="An event's id.")]
EVENT = {"kind": "seminar", "title": {"es": "Seminario regional", "en": "Regional seminar"}}
EVENT_LINKS = links_to("V1EventsEventId", {"event_id": "$response.body#/id"}, [
    ("GetEvent", "GetEvent", "The event created."),
    ("PatchEvent", "PatchEvent", "Change it."),
    ("PublishEvent", "PublishPublishEvent", "Publish it."),
    ("Register", "RegistrationsRegisterForEvent", "Register for all of it.")])



def _event_id(event_id: str) -> str:
    """An id this API could have given out; any other names no event (404)."""
    if not EVENT_ID.fullmatch(event_id):
        raise problem(404, f"There is no event {event_id[:64]!r}.")
    return event_id


# --- public ---
@get("/events", summary="Published events", responses=problem_responses(400, 401, 403, 429))
async def list_events(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(64)] = None,
    drafts: Annotated[bool, QueryParameter(description="Drafts too: secretariat only.")
                      ] = False,
) -> Page[GatheringView]:
    """Published events (seminars, series...) in order of creation; the secretariat may ask
    for drafts too."""
    if drafts and (await authenticate(request)).role not in ("secretariat", "admin"):
        raise problem(403, "Only the secretariat may list drafts.")
    query = GatheringQuery(limit=limit, after=position_after(cursor), published_only=not drafts)
    reply = await gateway.call(SVC, "list_gatherings", query, GatheringPage)
    return Page[GatheringView](items=reply.items, next_cursor=encode_cursor(reply.last))


@get("/events/{event_id:str}", summary="One event, its parts and numbers",
     responses=problem_responses(401, 404, 429))
async def get_event(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                    event_id: EventId,
                    lang: Annotated[LanguageCode | None, QueryParameter()] = None
                    ) -> GatheringDetail:
    """The event, its parts in time order (each with its agenda), the other editions of its
    series, and its statistics (people once across parts, small country cells hidden) with
    the figures reported for events held before this system. A secretariat key sees drafts."""
    ref = GatheringRef(gathering_id=_event_id(event_id), lang=lang,
                       include_drafts=await secretariat_asks(request))
    return await gateway.call(SVC, "get_gathering", ref, GatheringDetail)


@post("/events/{event_id:str}/registrations", summary="Register for a whole event",
      responses={201: ResponseSpec(GatheringRegistered, description=(
          "Each published part's outcome, by its own rules: registered (confirmed, or "
          "waitlisted where the part is full), already registered (its owner mailed), or "
          "refused.")), **problem_responses(404, 409, 410, 413, 422, 429)},
      operation_class=operation(JsonBody(ApiRegistrationForm, examples.REGISTRATION)))
async def register_for_event(gateway: NamedDependency[Gateway], event_id: EventId,
                             data: JSONBody[Any]) -> Response[GatheringRegistered]:
    """One registration form for every published part of an event registered for as a
    whole (409 for an event whose parts each keep their own registration)."""
    form = parse_body(ApiRegistrationForm, data)
    reply = await gateway.call(SVC, "register_for_gathering",
                               RegisterForGathering(gathering_id=_event_id(event_id), form=form),
                               GatheringRegistered)
    return Response(reply, status_code=201)


# --- secretariat ---
@post("/events", summary="Create a draft event", guards=SECRETARIAT, security=SECURITY,
      responses=problem_responses(401, 403, 413, 422),
      operation_class=operation(JsonBody(GatheringFields, EVENT, needs=("title", "kind")),
                                links=EVENT_LINKS))
async def create_event(gateway: NamedDependency[Gateway], data: JSONBody[Any]) -> GatheringView:
    """A draft event; its parts are sessions created with its id as `event_id`."""
    fields = parse_body(GatheringFields, data)
    return await gateway.call(SVC, "create_gathering", CreateGathering(fields=fields),
                              GatheringView)


@patch("/events/{event_id:str}", summary="Change an event", guards=SECRETARIAT,
       security=SECURITY, responses=problem_responses(401, 403, 404, 422),
       operation_class=operation(JsonBody(GatheringFields, {"summary": {"en": "Two days."}})))
async def patch_event(gateway: NamedDependency[Gateway], event_id: EventId,
                      data: JSONBody[Any]) -> GatheringView:
    fields = parse_body(GatheringFields, data)
    return await gateway.call(SVC, "patch_gathering",
                              PatchGathering(gathering_id=_event_id(event_id), fields=fields),
                              GatheringView)


@post("/events/{event_id:str}/publish", summary="Publish an event", status_code=200,
      guards=SECRETARIAT, security=SECURITY, responses=problem_responses(401, 403, 404))
async def publish_event(gateway: NamedDependency[Gateway],
                        event_id: EventId) -> GatheringView:
    """The event becomes public; its parts are published one by one as sessions."""
    ref = GatheringRef(gathering_id=_event_id(event_id))
    return await gateway.call(SVC, "publish_gathering", ref, GatheringView)


# As in routes/registration.py: the secretariat's routes sharing a path with a public one
# (`/events`, `/events/{id}`) sit in the public router, guarded by role.
PUBLIC_HANDLERS: list[ControllerRouterHandler] = [
    list_events, get_event, register_for_event, create_event, patch_event]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [publish_event]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
