"""Routes of a session's materials: the secretariat (or an editor) attaches one, anyone lists
the published ones in their language; and the list a session's own answer carries.

A material is a catalog document linked to the session: its files are uploaded with the
document file routes (`/v1/documents/{id}/files`) and it is published with
`/v1/documents/{id}/publish`, unless it was attached with `publish: true` (a recording link
needs no file). The public list comes from search with the `session` filter, so it holds the
published materials only, each in the reader's language when it has it.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from litestar import get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel, Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.problems import parse_body, problem_responses
from services.gateway.routes.catalog_docs import DOCUMENT_LINKS, MATERIAL, SourceTitledBody
from services.gateway.routes.openapi_docs import operation
from shared.contracts.catalog.materials import (
    SESSION_ID_PATTERN,
    AttachMaterial,
    MaterialFields,
    SessionMaterial,
)
from shared.contracts.catalog.rpc import DocumentView
from shared.contracts.catalog.search import SearchHit, SearchReply, SearchRequest
from shared.contracts.registration.rpc import SessionView
from shared.contracts.rpc import RpcFailure
from shared.reference import LanguageCode

log = logging.getLogger(__name__)

EDITORS = [requires_role("editor", "secretariat")]
MAX_MATERIALS = 100
"""The most materials a session's answer lists (one search page)."""
SessionId = Annotated[str, PathParameter(pattern=SESSION_ID_PATTERN,
                                         description="A session's id.")]


class MaterialsPage(BaseModel):
    """A session's published materials, in the reader's language when they have it."""

    items: list[SessionMaterial]


class SessionWithMaterials(SessionView):
    """A session and its published materials. When the repository did not answer, the
    session is answered all the same: `materials` is then null and `materials_unavailable`
    true (ask again later)."""

    materials: list[SessionMaterial] | None = None
    materials_unavailable: bool = Field(False, description="The repository did not answer.")


def material_of(hit: SearchHit) -> SessionMaterial:
    """A search hit as a session lists its material."""
    return SessionMaterial(document_id=hit.id, type=hit.type, title=hit.title,
                           title_language=hit.title_language, slot=hit.slot, url=hit.url)


def slot_order(session: SessionView) -> list[str]:
    """The keys of the session's agenda slots, in the agenda's order."""
    return [str(slot.get("key")) for block in session.agenda
            for slot in block.get("slots") or [] if isinstance(slot, dict)]


def in_agenda_order(materials: list[SessionMaterial],
                    slots: list[str]) -> list[SessionMaterial]:
    """Materials of the whole session first, then by slot as the agenda runs; by type and
    title within one."""
    position = {key: index for index, key in enumerate(slots)}

    def rank(material: SessionMaterial) -> tuple[int, str, str]:
        place = -1 if material.slot is None else position.get(material.slot, len(slots))
        return place, material.type, material.title.casefold()
    return sorted(materials, key=rank)


async def published_materials(gateway: Gateway, session_id: str, lang: str | None,
                              slots: list[str] | None = None) -> list[SessionMaterial]:
    """The session's published materials in agenda order (raises RpcFailure if the catalog
    does not answer). An id no session can have has none."""
    if not re.fullmatch(SESSION_ID_PATTERN, session_id):
        return []
    request = SearchRequest.model_validate({"session": session_id, "lang": lang,
                                            "limit": MAX_MATERIALS})
    reply = await gateway.call("catalog", "search", request, SearchReply)
    return in_agenda_order([material_of(hit) for hit in reply.hits], slots or [])


async def session_with_materials(gateway: Gateway, session: SessionView,
                                 lang: str | None) -> SessionWithMaterials:
    """The session with its materials, or flagged without them if the catalog is away: a
    session page must not fail because the repository does."""
    try:
        materials = await published_materials(gateway, session.id, lang, slot_order(session))
    except RpcFailure as failure:
        log.warning("session materials unavailable", extra={"code": failure.code})
        return SessionWithMaterials(**session.model_dump(), materials_unavailable=True)
    return SessionWithMaterials(**session.model_dump(), materials=materials)


@post("/sessions/{session_id:str}/materials", summary="Attach a material to a session",
      guards=EDITORS, security=SECURITY, dependencies={"caller": Provide(provide_caller)},
      status_code=201, responses=problem_responses(401, 403, 404, 409, 410, 422, 503),
      operation_class=operation(SourceTitledBody(MaterialFields, MATERIAL),
                                links=DOCUMENT_LINKS))
async def attach_material(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          session_id: SessionId, data: JSONBody[Any]) -> DocumentView:
    """A document linked to the session (and to one `slot` of its agenda), with the session's
    topics, countries and date. `kind` sets its type: presentation, recording, report (summary,
    conclusions) or declaration (agreements). Upload its files to the document and publish
    it, or send `publish: true` to publish at once."""
    material = parse_body(MaterialFields, data)
    request = AttachMaterial(session_id=session_id, material=material, editor=caller.id)
    return await gateway.call("catalog", "attach_material", request, DocumentView)


@get("/sessions/{session_id:str}/materials", summary="A session's published materials",
     responses=problem_responses(400, 429, 503))
async def list_materials(
    gateway: NamedDependency[Gateway], session_id: SessionId,
    lang: Annotated[LanguageCode | None, QueryParameter()] = None,
) -> MaterialsPage:
    """Each in `lang` when it can be read in it, else in its source language
    (`title_language` says which)."""
    return MaterialsPage(items=await published_materials(gateway, session_id, lang))


HANDLERS: list[ControllerRouterHandler] = [attach_material, list_materials]
"""One router must own both methods of the path (see `documents.PUBLIC_HANDLERS`)."""
