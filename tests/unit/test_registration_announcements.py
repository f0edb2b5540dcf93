"""The rules of sessions other systems announce (services/registration/domain/announcements.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.registration.domain.announcements import (
    announced_id,
    announced_session,
    announcement_may_update,
    provenance,
    reannounced,
)
from services.registration.domain.sessions import SESSION_ID
from shared.contracts.registration.rpc import SessionFields
from tests.support.sessions import plain_session_body

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)


def fields(**changes: object) -> SessionFields:
    return SessionFields.model_validate(plain_session_body(**changes))


def test_an_announcement_has_one_id_per_source_and_external_id() -> None:
    assert announced_id("webinar", "m-1") == announced_id("webinar", "m-1")
    assert announced_id("webinar", "m-1") != announced_id("agenda", "m-1")
    assert SESSION_ID.fullmatch(announced_id("webinar", "x" * 200))


def test_a_repeat_rewrites_only_a_draft_nobody_else_touched() -> None:
    origin = provenance("webinar", "m-1", "ev-1", NOW, rev=0)
    draft = announced_session("ann-1", fields(), origin, NOW)
    assert draft["status"] == "draft" and draft["provenance"]["source"] == "webinar"
    assert announcement_may_update(draft)
    assert not announcement_may_update({**draft, "rev": 1})  # the secretariat edited it
    assert not announcement_may_update({**draft, "status": "published"})
    assert not announcement_may_update({**draft, "provenance": None})  # its own session


def test_a_rewritten_draft_keeps_its_identity_and_marks_its_new_rev() -> None:
    origin = provenance("webinar", "m-1", "ev-1", NOW, rev=0)
    draft = {**announced_session("ann-1", fields(), origin, NOW), "outbox": [{"id": "e"}]}
    later = datetime(2026, 12, 4, tzinfo=UTC)
    again = reannounced(draft, fields(title={"en": "New"}), provenance(
        "webinar", "m-1", "ev-2", later, rev=0), later)
    assert again["_id"] == "ann-1" and again["created_at"] == NOW
    assert again["title"] == {"en": "New"} and again["outbox"] == [{"id": "e"}]
    assert again["rev"] == 1 and again["provenance"]["rev"] == 1
    assert announcement_may_update(again)
