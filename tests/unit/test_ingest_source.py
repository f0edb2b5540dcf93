"""A portal's source is a token of the subject it publishes on (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shared.contracts.catalog.events import IngestedDocument
from shared.dlq import subject_matches

pytestmark = pytest.mark.unit

DOCUMENT: dict[str, Any] = {"external_id": "pub-1", "type": "report", "source_language": "es",
                            "title": {"es": "Compras públicas"}}


def test_each_portal_has_its_subject_and_the_filter_takes_them_all() -> None:
    assert IngestedDocument.subject_for("chilecompra") == "ingest.catalog.chilecompra.document.v1"
    assert IngestedDocument.subject() == "ingest.catalog.*.document.v1"
    assert subject_matches(IngestedDocument.subject_for("compras-mx_2"),
                           IngestedDocument.subject())
    assert not subject_matches("ingest.catalog.document.v1", IngestedDocument.subject())


def test_a_source_is_one_safe_subject_token() -> None:
    for source in ("chilecompra", "compras-mx_2", "a", "9" * 63):
        assert IngestedDocument.model_validate({**DOCUMENT, "source": source}).source == source
    for source in ("portal.example", "a.>", "*", ">", "ChileCompra", "chile compra", "-lead", "",
                   "9" * 64, "compras\n"):
        with pytest.raises(ValidationError, match="source"):
            IngestedDocument.model_validate({**DOCUMENT, "source": source})


def test_the_event_type_is_the_subject_it_travels_on() -> None:
    document = IngestedDocument.model_validate({**DOCUMENT, "source": "chilecompra"})
    event = document.to_cloudevent(event_id="e1", source="chilecompra",
                                   time=datetime(2026, 12, 1, tzinfo=UTC))
    assert event.type == "ingest.catalog.chilecompra.document.v1"
    assert IngestedDocument.from_cloudevent(event) == document
