"""The rules of sessions and events other systems announce
(services/registration/domain/announcements.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.registration.domain.announcements import (
    announced_event_id,
    announced_id,
    announcement_may_update,
    provenance,
    reannounced,
)
from services.registration.domain.gatherings import new_gathering
from services.registration.domain.sessions import SESSION_ID, new_session
from shared.contracts.registration.gatherings import GatheringFields
from shared.contracts.registration.rpc import SessionFields
from tests.support.sessions import plain_session_body

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
LATER = datetime(2026, 12, 4, tzinfo=UTC)


def fields(**changes: object) -> SessionFields:
    return SessionFields.model_validate(plain_session_body(**changes))


def announced(draft: dict[str, object]) -> dict[str, object]:
    return {**draft, "provenance": provenance("webinar", "m-1", "ev-1", NOW, rev=0)}


def test_an_announcement_has_one_id_per_source_and_external_id_and_kind() -> None:
    assert announced_id("webinar", "m-1") == announced_id("webinar", "m-1")
    assert announced_id("webinar", "m-1") != announced_id("agenda", "m-1")
    assert announced_id("webinar", "m-1") != announced_event_id("webinar", "m-1")
    assert SESSION_ID.fullmatch(announced_id("webinar", "x" * 200))
    assert SESSION_ID.fullmatch(announced_event_id("webinar", "x" * 200))


def test_a_repeat_rewrites_only_a_draft_nobody_else_touched() -> None:
    draft = announced(new_session("ann-1", fields(), NOW))
    assert announcement_may_update(draft)
    assert not announcement_may_update({**draft, "rev": 1})  # the secretariat edited it
    assert not announcement_may_update({**draft, "status": "published"})
    assert not announcement_may_update({**draft, "provenance": None})  # its own session


def test_a_rewritten_session_keeps_its_identity_and_pending_events() -> None:
    draft = {**announced(new_session("ann-1", fields(), NOW)), "outbox": [{"id": "e"}]}
    fresh = new_session("ann-1", fields(title={"en": "New"}), LATER)
    again = reannounced(draft, fresh, provenance("webinar", "m-1", "ev-2", LATER, rev=0))
    assert again["_id"] == "ann-1" and again["created_at"] == NOW
    assert again["title"] == {"en": "New"} and again["outbox"] == [{"id": "e"}]
    assert again["rev"] == 1 and again["provenance"]["rev"] == 1
    assert announcement_may_update(again)


def test_a_rewritten_event_gets_no_outbox_it_never_had() -> None:
    first = GatheringFields.model_validate({"kind": "seminar", "title": {"es": "Seminario"}})
    draft = announced(new_gathering("anv-1", first, NOW))
    second = GatheringFields.model_validate({"kind": "seminar", "title": {"es": "Otro"}})
    again = reannounced(draft, new_gathering("anv-1", second, LATER),
                        provenance("webinar", "m-1", "ev-2", LATER, rev=0))
    assert "outbox" not in again and again["title"] == {"es": "Otro"}
    assert again["created_at"] == NOW and announcement_may_update(again)
