"""Session materials: the catalog's rules (session copy, kinds, inheritance), the session
filter of search, and the gateway's ordering of a session's materials."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.catalog.domain.documents import changed_document, new_document
from services.catalog.domain.errors import Refusal
from services.catalog.domain.materials import TYPE_OF_KIND, checked_session, material_fields
from services.catalog.domain.sessions import event_order, session_copy, session_date
from services.catalog.search.domain.indexable import to_indexable
from services.catalog.search.engine import SearchEngine
from services.gateway.routes.materials import in_agenda_order
from shared.contracts.catalog.materials import IngestedRecording, SessionMaterial
from shared.contracts.catalog.search import SearchRequest
from shared.contracts.registration.events import SessionSnapshot

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
# 23:30 in Panama on 24 November is 04:30 UTC on the 25th.
STARTS = datetime(2026, 11, 25, 4, 30, tzinfo=UTC)


def copy(**changes: Any) -> dict[str, Any]:
    snapshot = SessionSnapshot.model_validate({
        "session_id": "ses_1", "title": {"es": "Panel"}, "format": "panel",
        "topics": ["open_data"], "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=1),
        "timezone": "America/Panama", "languages": ["es"], "countries": ["pa", "CL", "US"],
        "slots": ["opening", "chile"]})
    return session_copy(snapshot, "published", NOW) | changes


def test_a_later_sequence_outranks_any_time_and_a_later_time_the_same_sequence() -> None:
    assert event_order(1, NOW) > event_order(0, NOW + timedelta(days=3650))
    assert event_order(2, NOW + timedelta(seconds=1)) > event_order(2, NOW)


def test_materials_are_dated_the_day_the_session_started_where_it_was_held() -> None:
    assert session_date(copy()) == date(2026, 11, 24)
    assert session_date(copy(timezone="UTC")) == date(2026, 11, 25)
    assert session_date(copy(timezone="Not/AZone")) == date(2026, 11, 25)


def test_a_material_needs_a_published_session_and_a_slot_of_its_agenda() -> None:
    assert checked_session(copy(), "ses_1", "chile")["_id"] == "ses_1"
    assert checked_session(copy(), "ses_1", None)["_id"] == "ses_1"
    with pytest.raises(Refusal) as unknown:
        checked_session(None, "ses_x", None)
    assert unknown.value.code == "not_found"
    with pytest.raises(Refusal) as bad_slot:
        checked_session(copy(), "ses_1", "peru")
    assert bad_slot.value.code == "invalid"
    assert bad_slot.value.details["errors"][0]["field"] == "slot"
    with pytest.raises(Refusal) as cancelled:
        checked_session(copy(status="cancelled"), "ses_1", None)
    assert cancelled.value.code == "gone"


def test_each_kind_has_its_document_type() -> None:
    assert TYPE_OF_KIND == {"presentation": "presentation", "recording": "recording",
                            "summary": "report", "conclusions": "report",
                            "agreements": "declaration"}


def test_a_material_inherits_its_sessions_topics_member_countries_and_date() -> None:
    fields = material_fields(copy(), "agreements", {
        "source_language": "es", "title": {"es": "Acuerdos"}, "slot": "chile",
        "url": "https://example.org/a"})
    doc = new_document("doc_1", fields, NOW, None)
    assert (doc["type"], doc["session_id"], doc["slot"], doc["url"]) == (
        "declaration", "ses_1", "chile", "https://example.org/a")
    assert (doc["topics"], doc["countries"], doc["published_on"]) == (
        ["open_data"], ["PA", "CL"], "2026-11-24")  # the US is no member state


def test_documents_stored_before_materials_still_change() -> None:
    old = new_document("doc_2", {"type": "study", "source_language": "es",
                                 "title": {"es": "Estudio"}}, NOW, None)
    del old["slot"], old["url"]
    after = changed_document(old, {"url": "https://example.org/s"}, NOW, None)
    assert after is not None and after["url"] == "https://example.org/s"
    assert changed_document(old, {"topics": []}, NOW, None) is None


def test_a_recording_subject_names_its_source() -> None:
    assert IngestedRecording.source_of("ingest.catalog.integration.recording.v1") == (
        "integration")
    assert IngestedRecording.source_of("ingest.catalog.integration.document.v1") is None
    assert IngestedRecording.source_of("ingest.catalog.a.b.recording.v1") is None


def test_search_finds_only_the_materials_of_the_session_asked() -> None:
    engine = SearchEngine()
    base = {"status": "published", "source_language": "es", "type": "presentation"}
    engine.apply(to_indexable(d) for d in (
        base | {"_id": "m1", "title": {"es": "Uno"}, "session_id": "ses_1", "slot": "chile",
                "url": "https://example.org/v"},
        base | {"_id": "m2", "title": {"es": "Dos"}, "session_id": "ses_2"},
        base | {"_id": "d3", "title": {"es": "Tres"}}))
    reply = engine.search(SearchRequest(session="ses_1"))
    assert [(h.id, h.session_id, h.slot, h.url) for h in reply.hits] == [
        ("m1", "ses_1", "chile", "https://example.org/v")]
    assert engine.search(SearchRequest()).total == 3
    assert engine.search(SearchRequest(session="ses_")).total == 0  # exact, not a prefix


def test_a_sessions_materials_run_as_its_agenda() -> None:
    def material(doc_id: str, slot: str | None, kind: str = "presentation") -> SessionMaterial:
        return SessionMaterial(document_id=doc_id, type=kind, title=doc_id, title_language="es",
                               slot=slot)
    listed = in_agenda_order([material("a", "closing"), material("b", "opening"),
                              material("c", None, "recording"), material("d", "gone")],
                             ["opening", "closing"])
    assert [m.document_id for m in listed] == ["c", "b", "a", "d"]
