"""The catalog's rules, without I/O: lifecycle, revisions, languages, translations, files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

import pytest

from services.catalog.domain import documents as rules
from services.catalog.domain.errors import Refusal
from services.catalog.domain.files import DOCX, MD, ODT, PDF, PPTX, TXT, file_id_for, sniff
from services.catalog.domain.languages import missing_languages, served_language
from services.catalog.domain.stats import catalog_stats
from services.catalog.domain.translations import translated, translation_outcome
from services.gateway.routes.files import byte_range

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
FIELDS = {"type": "guide", "source_language": "es", "title": {"es": "Guía"},
          "countries": ["cl", "PE", "CL"], "published_on": None}


def draft() -> dict[str, Any]:
    return rules.new_document("doc_1", FIELDS, NOW, "key-1")


def published() -> dict[str, Any]:
    return rules.published(draft(), NOW)


def test_a_new_document_is_a_draft_with_its_regions_derived() -> None:
    doc = draft()
    assert (doc["status"], doc["revision"], doc["countries"]) == ("draft", 1, ["CL", "PE"])
    assert doc["regions"] == ["southern_cone", "andean_region"]
    assert doc["languages"]["es"]["status"] == "original"
    assert doc["outbox"] == [] and doc["files"] == []


def test_the_source_title_and_member_states_are_required() -> None:
    with pytest.raises(Refusal, match="title"):
        rules.new_document("d", {**FIELDS, "title": {"en": "Guide"}}, NOW, None)
    with pytest.raises(Refusal, match="member states"):
        rules.new_document("d", {**FIELDS, "countries": ["ES"]}, NOW, None)


def test_a_draft_changes_in_place_and_a_published_one_gets_a_revision() -> None:
    assert rules.changed_document(draft(), {"topics": ["msmes"]}, NOW, None)["revision"] == 1  # type: ignore[index]
    after = rules.changed_document(published(), {"topics": ["msmes"]}, NOW, None)
    assert after is not None and after["revision"] == 2


def test_a_change_that_changes_nothing_is_none() -> None:
    assert rules.changed_document(published(), {"title": {"es": "Guía"}}, NOW, None) is None


def test_publishing_dates_the_document_and_only_a_draft_can_be_published() -> None:
    doc = published()
    assert (doc["published_on"], doc["year"]) == ("2026-11-21", 2026)
    with pytest.raises(Refusal) as refused:
        rules.published(doc, NOW)
    assert refused.value.code == "conflict"


def test_a_withdrawn_document_is_a_tombstone_that_cannot_change() -> None:
    gone = rules.withdrawn(published(), NOW, "duplicate")
    assert rules.tombstone(gone)["reason"] == "duplicate" and "body" not in rules.tombstone(gone)
    with pytest.raises(Refusal) as refused:
        rules.changed_document(gone, {"topics": ["msmes"]}, NOW, None)
    assert refused.value.code == "gone"


def test_the_asked_language_is_served_only_when_readable() -> None:
    doc = published()
    assert served_language(doc, "en") == "es"
    with_en = rules.changed_document(doc, {"title": {"en": "Guide"}}, NOW, None)
    assert with_en is not None and served_language(with_en, "en") == "en"


def test_editing_the_source_text_makes_translations_stale() -> None:
    doc = translated(published(), 1, "en", {"title": "Guide"}, {"reviewer": "r"}, NOW)
    assert missing_languages(doc) == []
    after = rules.changed_document(doc, {"title": {"es": "Guía nueva"}}, NOW, None)
    assert after is not None and after["languages"]["en"]["stale"] is True
    assert missing_languages(after) == ["en"] and after["text_revision"] == 2


def test_translation_outcomes() -> None:
    doc = published()
    assert translation_outcome(doc, 1, "en", "reviewed", {"title": "Guide"}) == "apply"
    assert translation_outcome(doc, 2, "en", "reviewed", {"title": "Guide"}) == "outdated"
    assert translation_outcome(doc, 1, "es", "reviewed", {"title": "Guía"}) == "kept"
    done = translated(doc, 1, "en", {"title": "Guide"}, {"reviewer": "r"}, NOW)
    assert translation_outcome(done, 1, "en", "reviewed", {"title": "Guide"}) == "same"
    assert translation_outcome(done, 1, "en", "machine_draft", {"title": "MT"}) == "kept"
    newer = rules.changed_document(done, {"title": {"es": "Otra"}}, NOW, None)
    assert newer is not None
    assert translation_outcome(newer, 1, "en", "reviewed", {"title": "Old"}) == "outdated"


def _zip(**entries: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"%PDF-1.7 ...", "x.txt", PDF),
    (_zip(word__document_xml=b"<w/>"), "x.pdf", None),  # not the exact member name
    (_zip(**{"word__document.xml": b"<w/>"}), "x.pdf", DOCX),
    (_zip(**{"ppt__presentation.xml": b"<p/>"}), "x", PPTX),
    (_zip(mimetype=b"application/vnd.oasis.opendocument.text"), "x", ODT),
    (b"# Title\n\ntext", "notes.md", MD),
    ("texto con acentos: ñ".encode(), "notes.pdf", TXT),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "x.pdf", None),
    (b"MZ\x90\x00\x03", "x.txt", None),
    (b"", "x.txt", None),
])
def test_files_are_told_by_their_content(data: bytes, name: str, expected: str | None) -> None:
    assert sniff(data, name) == expected


def test_the_same_content_in_the_same_document_is_the_same_file() -> None:
    assert file_id_for("d1", "ab") == file_id_for("d1", "ab") != file_id_for("d2", "ab")


def test_a_document_has_the_files_attached_to_it() -> None:
    file = {"file_id": file_id_for("doc_1", "ab"), "name": "a.txt", "sha256": "ab"}
    attached = rules.with_file(draft(), file, NOW)
    assert rules.has_file(attached, file["file_id"]) and not rules.has_file(draft(), "f")


def test_an_ingested_document_keeps_one_id_per_source_and_external_id() -> None:
    assert rules.ingested_id("portal", "a") == rules.ingested_id("portal", "a")
    assert rules.ingested_id("portal", "a") != rules.ingested_id("other", "a")
    assert rules.ingested_id("portal", "a").startswith("ing_")


@pytest.mark.parametrize(("header", "expected"), [
    ("bytes=0-9", (0, 9)), ("bytes=5-", (5, 99)), ("bytes=-10", (90, 99)),
    ("bytes=90-500", (90, 99)), ("bytes=100-", "unsatisfiable"), ("bytes=-0", "unsatisfiable"),
    ("bytes=0-1,5-6", None), ("items=0-1", None), ("bytes=9-2", None), ("bytes=-", None),
])
def test_byte_ranges(header: str, expected: object) -> None:
    assert byte_range(header, 100) == expected


def test_statistics_count_published_documents_and_bilingual_coverage() -> None:
    both = rules.changed_document(published(), {"title": {"en": "Guide"}}, NOW, None)
    gone = rules.withdrawn(published(), NOW, None)
    stats = catalog_stats([published(), both, gone, draft()])  # type: ignore[list-item]
    assert stats.documents == 2 and stats.by_status == {"published": 2, "withdrawn": 1,
                                                        "draft": 1}
    assert stats.by_language == {"es": 2, "en": 1} and stats.readable_in_es_and_en == 1


def test_readers_see_published_documents_editors_drafts_and_nobody_a_withdrawn_one() -> None:
    assert rules.ensure_readable(published(), "doc_1")["status"] == "published"
    assert rules.ensure_readable(draft(), "doc_1", include_drafts=True)["status"] == "draft"
    for doc in (None, draft()):
        with pytest.raises(Refusal) as hidden:
            rules.ensure_readable(doc, "doc_1")
        assert hidden.value.code == "not_found"
    with pytest.raises(Refusal) as gone:
        rules.ensure_readable(rules.withdrawn(published(), NOW, None), "doc_1", True)
    assert gone.value.code == "gone" and gone.value.details is not None
    assert gone.value.details["tombstone"]["id"] == "doc_1"
