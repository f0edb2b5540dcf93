"""A session's materials: what becomes of each kind, and the document a material makes.

A material is an ordinary catalog document linked to its session (`session_id`) and, when
given, to one slot of its agenda (`slot`); it inherits the session's topics, countries and
date, so search and translation treat it like any other document (translation jobs of a
session-linked document are due by the session's start, see the translate service).
"""

from __future__ import annotations

from typing import Any, Final

from services.catalog.domain.errors import Refusal
from services.catalog.domain.sessions import has_slot, session_date, takes_materials
from shared.reference import DocumentType, member_state

Doc = dict[str, Any]

TYPE_OF_KIND: Final[dict[str, DocumentType]] = {
    "presentation": "presentation",
    "recording": "recording",
    # The reference data has no "summary" or "conclusions" type: both are reports of the
    # session, and the agreements a session reaches are its declaration.
    "summary": "report",
    "conclusions": "report",
    "agreements": "declaration",
}


def checked_session(copy: Doc | None, session_id: str, slot: str | None) -> Doc:
    """The session a material attaches to: known and published, and the slot in its agenda."""
    if copy is None:
        raise Refusal("not_found", f"there is no published session {session_id!r}")
    if not takes_materials(copy):
        raise Refusal("gone", "the session was cancelled; it takes no materials")
    if slot is not None and not has_slot(copy, slot):
        raise Refusal("invalid", f"the session has no agenda slot {slot!r}",
                      {"errors": [{"field": "slot", "source": "body",
                                   "message": "not a slot of this session's agenda"}]})
    return copy


def material_fields(session: Doc, kind: str, material: Doc) -> Doc:
    """The fields of the document a material makes (for `documents.new_document`)."""
    fields = {
        "type": TYPE_OF_KIND[kind], "source_language": material["source_language"],
        "title": dict(material["title"]), "summary": dict(material.get("summary") or {}),
        "topics": list(session.get("topics") or []),
        # Only member states: a document names no other country (`checked_countries`).
        "countries": [code for code in session.get("countries") or []
                      if member_state(code) is not None],
        "published_on": session_date(session), "session_id": session["_id"],
        "slot": material.get("slot"), "url": material.get("url"),
    }
    return {name: value for name, value in fields.items() if value is not None}
