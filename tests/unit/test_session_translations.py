"""A session's texts for translation, and translations merged back (registration's
domain/translations.py), and which jobs translate queues for them (domain/originals.py)."""

from __future__ import annotations

from typing import Any

import pytest

from services.registration.domain import translations as texts
from services.translate.domain.originals import (
    of_session,
    session_languages_wanted,
    sources_for,
)
from shared.contracts.registration.events import SessionTexts

pytestmark = pytest.mark.unit


def session(**changes: Any) -> dict[str, Any]:
    """A published session written in English, with an agenda and a person's bio."""
    base: dict[str, Any] = {
        "_id": "s1", "status": "published", "languages": ["es", "en"], "text_revision": 1,
        "title": {"en": "Open contracting"}, "summary": {"en": "Data first."},
        "rationale": {"en": "Because it matters."}, "objectives": [{"en": "Share."}],
        "parent_event": {"name": {"es": "Congreso CLAD"}},
        "agenda": [{"key": "opening", "title": {},
                    "slots": [{"key": "welcome", "title": {"en": "Welcome"}}]}],
        "people": [{"key": "ana", "name": "Ana", "bio": {"en": "An expert."}}],
    }
    return base | changes


def test_every_language_map_is_a_text_named_by_a_stable_path() -> None:
    assert texts.texts_of(session()) == {
        "title": {"en": "Open contracting"}, "summary": {"en": "Data first."},
        "rationale": {"en": "Because it matters."}, "objectives.1": {"en": "Share."},
        "parent_event.name": {"es": "Congreso CLAD"},
        "agenda.opening.slots.welcome.title": {"en": "Welcome"},
        "people.ana.bio": {"en": "An expert."}}


def test_the_source_language_is_the_one_most_texts_are_written_in() -> None:
    assert texts.source_language({"a": {"en": "x"}, "b": {"en": "y", "es": "z"}},
                                 ["es", "en"]) == "en"


def test_a_tie_goes_to_the_sessions_own_language_order() -> None:
    assert texts.source_language({"a": {"en": "x", "es": "y"}}, ["en", "es"]) == "en"
    assert texts.source_language({"a": {"fr": "x", "pt": "y"}}, ["es"]) == "pt"


def test_a_translation_is_merged_where_the_language_is_missing_and_recorded() -> None:
    merged = texts.with_translation(session(), "es", 1, {
        "title": "Contratación abierta", "agenda.opening.slots.welcome.title": "Bienvenida",
        "parent_event.name": "Otro nombre", "agenda.gone.title": "Nada"})
    assert merged is not None
    assert merged["title"] == {"en": "Open contracting", "es": "Contratación abierta"}
    assert merged["agenda"][0]["slots"][0]["title"]["es"] == "Bienvenida"
    # What the secretariat wrote in Spanish stays theirs.
    assert merged["parent_event"]["name"] == {"es": "Congreso CLAD"}
    assert texts.written_texts(merged) == texts.written_texts(session())
    assert {(e["path"], e["source"]) for e in merged["translations"]} == {
        ("title", "Open contracting"), ("agenda.opening.slots.welcome.title", "Welcome")}


def test_a_translation_of_an_older_text_revision_is_not_merged() -> None:
    assert texts.with_translation(session(text_revision=2), "es", 1, {"title": "X"}) is None


def test_merging_the_same_translation_again_changes_nothing() -> None:
    merged = texts.with_translation(session(), "es", 1, {"title": "Contratación abierta"})
    assert merged is not None
    assert texts.with_translation(merged, "es", 1, {"title": "Contratación abierta"}) is None


def test_current_translations_are_announced_and_outdated_ones_are_not() -> None:
    merged = texts.with_translation(session(), "es", 1, {"title": "Contratación abierta",
                                                         "summary": "Datos primero."})
    assert merged is not None
    source, announced = texts.announced_texts(merged)
    assert source == "en"
    assert announced["title"] == {"en": "Open contracting", "es": "Contratación abierta"}
    edited = merged | {"title": {**merged["title"], "en": "Open contracting now"}}
    assert texts.texts_changed(merged, edited)
    _, after_edit = texts.announced_texts(edited)
    assert after_edit["title"] == {"en": "Open contracting now"}  # its es is outdated
    assert after_edit["summary"] == {"en": "Data first.", "es": "Datos primero."}


def test_a_translation_is_not_an_edit_of_the_texts() -> None:
    merged = texts.with_translation(session(), "es", 1, {"title": "Contratación abierta"})
    assert merged is not None
    assert not texts.texts_changed(session(), merged)


def announced(texts_by_path: dict[str, dict[str, str]]) -> SessionTexts:
    return SessionTexts.model_validate({"session_id": "s1", "text_revision": 3,
                                        "source_language": "en", "texts": texts_by_path})


def test_a_session_job_translates_only_the_texts_lacking_its_language() -> None:
    original = of_session(announced({"title": {"en": "Open", "es": "Abierta"},
                                     "summary": {"en": "Data first."}, "x": {"fr": "Seul"}}))
    assert sources_for(original, "es") == {"summary": "Data first."}
    assert sources_for(original, "pt") == {"title": "Open", "summary": "Data first."}
    assert (original.subject, original.revision, original.session_id) == ("session", 3, "s1")


def test_no_job_is_wanted_for_a_language_every_text_has() -> None:
    original = of_session(announced({"title": {"en": "Open", "es": "Abierta"}}))
    assert session_languages_wanted(original, ["es", "en", "pt"]) == ["pt"]
