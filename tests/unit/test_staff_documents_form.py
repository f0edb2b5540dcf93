"""The editors' document form without I/O: the request it makes, and which field a refusal
points at."""

from __future__ import annotations

import pytest

from services.gateway.staff.pages import documents_form as form
from shared.contracts.catalog.rpc import DocumentChanges, DocumentDraft

pytestmark = pytest.mark.unit


def typed(**values: str) -> form.Values:
    return form.values_of_form(values, topics=[])


def test_a_new_document_sends_only_the_texts_written() -> None:
    values = typed(type="study", source_language="es", title_es=" Compras ", body_en="Text",
                   summary_pt="", countries="pa, cl;BR", authors="Ana\n\n Luis ")
    body = form.request_body(values)
    assert body["title"] == {"es": "Compras"} and body["body"] == {"en": "Text"}
    assert "summary" not in body  # a blank would count as an editor writing Portuguese
    assert body["countries"] == ["pa", "cl", "BR"] and body["authors"] == ["Ana", "Luis"]
    assert body["source_language"] == "es" and "published_on" not in body


def test_a_change_clears_a_stored_summary_but_never_a_title() -> None:
    stored = typed(type="study", title_es="Compras", summary_es="Old", summary_en="")
    body = form.request_body(typed(type="study", title_es="", summary_es=""), stored)
    assert body["summary"] == {"es": ""} and "title" not in body
    assert "source_language" not in body


def test_the_contract_check_names_the_field_of_the_form() -> None:
    made, errors = form.checked(typed(type="study", source_language="en", title_en="T"))
    assert isinstance(made, DocumentDraft) and errors == {}
    made, errors = form.checked(typed(source_language="en", published_on="14/03/2027",
                                      url="ftp://x"))
    assert made is None and set(errors) == {"type", "title_en", "published_on", "url"}
    assert errors["url"] == form.MESSAGES["url"]
    changed, errors = form.checked(typed(type="guide"), typed(type="study"))
    assert isinstance(changed, DocumentChanges) and changed.type == "guide"


@pytest.mark.parametrize(("error", "field"), [
    ({"loc": ["draft", "title", "en"]}, "title_en"),
    ({"loc": ["changes", "summary", "fr"]}, "summary_fr"),
    ({"source": "title", "message": "missing"}, "title_pt"),
    ({"source": "countries", "message": "unknown member state"}, "countries"),
    ({"field": "published_on"}, "published_on"),
    ({}, "form"),
])
def test_a_refusal_points_at_its_field(error: dict[str, object], field: str) -> None:
    assert form.field_of(error, "pt") == field


def test_each_field_is_named_once_with_its_message() -> None:
    errors = form.field_errors([{"loc": ["title", "es"]}, {"loc": ["title", "es", 0]},
                                {"loc": ["nonsense"]}], "es")
    assert errors == {"title_es": form.MESSAGES["title"], "nonsense": form.OTHER}
