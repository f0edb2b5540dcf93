"""The registration domain's decisions on sessions and registrations, each on its own (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.registration.domain import sessions
from services.registration.domain.errors import Refusal
from services.registration.domain.ledger import may_have_a_seat, place_held
from services.registration.domain.registrations import (
    deadline_of,
    hold_to_confirm,
    refuse_unless_admitted,
    require_reason,
)
from services.registration.store.base import stored
from shared.contracts.registration.rpc import RegistrationForm, SessionFields

pytestmark = pytest.mark.unit
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def fields(**changes: Any) -> SessionFields:
    starts = NOW + timedelta(days=7)
    return SessionFields.model_validate({
        "title": {"es": "Compras"}, "format": "webinar", "starts_at": starts,
        "ends_at": starts + timedelta(hours=1), "timezone": "America/Lima", "languages": ["es"],
        **changes})


def refusal(code: str, call: Any, *args: Any) -> Refusal:
    with pytest.raises(Refusal) as raised:
        call(*args)
    assert raised.value.code == code
    return raised.value


def test_a_new_session_is_a_draft_with_an_empty_ledger() -> None:
    session = sessions.new_session("s1", fields(capacity=3), NOW)
    assert (session["status"], session["confirmed"], session["seats"], session["rev"]) == (
        "draft", 0, [], 0)


def test_a_session_missing_fields_or_ending_before_it_starts_is_refused() -> None:
    missing = refusal("invalid", sessions.new_session, "s1", SessionFields(), NOW)
    assert {e["loc"][0] for e in missing.details["errors"]} >= {"title", "starts_at"}
    late = refusal("invalid", sessions.new_session, "s1",
                   fields(ends_at=NOW + timedelta(days=6)), NOW)
    assert late.details == {"errors": [{"loc": ["ends_at"],
                                        "msg": "The session must end after it starts."}]}


def test_a_published_session_moved_in_time_is_a_new_sequence() -> None:
    session = {**sessions.new_session("s1", fields(), NOW), "status": "published"}
    later = {"starts_at": session["starts_at"] + timedelta(hours=1),
             "ends_at": session["ends_at"] + timedelta(hours=1)}
    after, moved = sessions.patched(session, later, False, NOW)
    assert moved and after["sequence"] == 1 and after["quotas_rev"] == 1
    assert sessions.patched(session, {"capacity": 50}, False, NOW)[1] is False


def test_a_cancelled_session_or_a_capacity_below_the_confirmed_is_refused() -> None:
    session = {**sessions.new_session("s1", fields(capacity=5), NOW), "confirmed": 4}
    refusal("conflict", sessions.patched, {**session, "status": "cancelled"}, {}, False, NOW)
    refusal("conflict", sessions.patched, session, {"capacity": 3}, False, NOW)
    assert sessions.patched(session, {"capacity": 3}, True, NOW)[0]["capacity"] == 3


def test_publishing_a_published_session_changes_nothing_and_a_cancelled_one_is_refused() -> None:
    assert sessions.needs_publishing({"status": "draft"})
    assert not sessions.needs_publishing({"status": "published"})
    refusal("conflict", sessions.needs_publishing, {"status": "cancelled"})


def test_a_page_position_reads_back_and_a_forged_one_is_refused() -> None:
    session = {"_id": "abc", "starts_at": NOW}
    position = sessions.session_position(session, "starts_at")
    assert sessions.position_of(position) == (NOW, "abc")
    refusal("invalid", sessions.position_of, "yesterday|abc")
    refusal("invalid", sessions.position_of, f"{NOW.isoformat()}|a b")


def test_drafts_are_shown_only_to_the_secretariat() -> None:
    assert not sessions.shown({"status": "draft"}, include_secret=False)
    assert sessions.shown({"status": "draft"}, include_secret=True)
    assert sessions.shown({"status": "cancelled"}, include_secret=False)


def test_a_hold_can_be_confirmed_until_its_deadline() -> None:
    holding = {"status": "awaiting_confirmation", "confirm_by": NOW.isoformat()}
    assert deadline_of(holding) == NOW == deadline_of({**holding, "confirm_by": NOW})
    assert hold_to_confirm(holding, NOW - timedelta(seconds=1)) == NOW
    refusal("gone", hold_to_confirm, holding, NOW)
    refusal("gone", hold_to_confirm, {"status": "expired"}, NOW)
    assert hold_to_confirm({"status": "confirmed", "confirm_by": None}, NOW) is None


def test_only_a_known_country_may_register_for_an_open_session() -> None:
    form = RegistrationForm(name="Ana", email="ana@example.org", country="PE",
                            institution="OSCE", sector="government", job_title="Analista",
                            preferred_language="es", consent=True)
    session = {"_id": "s1", "status": "published", "starts_at": NOW + timedelta(days=1)}
    refuse_unless_admitted(session, form, NOW)
    refusal("not_found", refuse_unless_admitted, {**session, "status": "draft"}, form, NOW)
    refusal("conflict", refuse_unless_admitted, session, form, NOW + timedelta(days=2))
    refusal("invalid", refuse_unless_admitted, session,
            form.model_copy(update={"country": "XX"}), NOW)


def test_a_rejection_needs_a_reason() -> None:
    assert require_reason("Fuera de plazo") == "Fuera de plazo"
    refusal("invalid", require_reason, "")


def test_the_ledger_tells_a_seat_from_a_rank_on_the_waiting_list() -> None:
    ledger = {"seats": ["a"], "waiting": ["b", "c"], "promoted": 2, "confirmed": 1,
              "capacity": 1}
    assert place_held(ledger, "a") == ("confirmed", None)
    assert place_held(ledger, "c") == ("waitlisted", 4)
    assert place_held(ledger, "d") is None
    assert not may_have_a_seat(ledger, NOW) and may_have_a_seat({**ledger, "capacity": 2}, NOW)


def test_moments_are_stored_as_text_and_deadlines_as_id_floors() -> None:
    assert stored({"cancelled_at": NOW, "release_due": NOW, "status": "cancelled"}) == {
        "cancelled_at": NOW.isoformat(), "release_due": f"{int(NOW.timestamp() * 1000):012x}",
        "status": "cancelled"}
