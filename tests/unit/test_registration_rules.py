"""The registration rules, each on its own (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.registration.domain.countries import is_known_country
from services.registration.domain.rules import (
    awaits_approval,
    awaits_confirmation,
    capacity_change_is_allowed,
    confirmation_deadline,
    email_key,
    hold_has_lapsed,
    lost_only_to_a_full_ledger,
    may_register_again,
    newcomer_must_wait,
    owner_mail_slot,
    participant_may_cancel,
    registration_has_ended,
    seat_claim_for,
    seats_left,
    suppress_small,
    timezone_is_valid,
    why_registration_is_closed,
)
from shared.contracts.registration.rpc import RegistrationForm, SessionFields

pytestmark = pytest.mark.unit
NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def session(**changes: Any) -> dict[str, Any]:
    base = {"status": "published", "starts_at": NOW + timedelta(days=1),
            "registration_opens_at": None, "registration_closes_at": None}
    return {**base, **changes}


def test_email_key_trims_lowercases_and_composes() -> None:
    assert email_key("  Ana.PE\u0301REZ@Example.ORG ") == email_key("ana.pérez@example.org")


def test_registration_is_open_only_in_its_window() -> None:
    assert why_registration_is_closed(session(), NOW) is None
    assert "cancelled" in str(why_registration_is_closed(session(status="cancelled"), NOW))
    assert "not published" in str(why_registration_is_closed(session(status="draft"), NOW))
    assert "started" in str(why_registration_is_closed(session(starts_at=NOW), NOW))
    assert "not open" in str(why_registration_is_closed(
        session(registration_opens_at=NOW + timedelta(hours=1)), NOW))
    assert "closed" in str(why_registration_is_closed(
        session(registration_closes_at=NOW), NOW))


def test_a_general_seat_needs_room_beyond_the_reserved_ones() -> None:
    quotas = [{"country": "PE", "seats": 3, "release_at": NOW + timedelta(days=1)}]
    claim = seat_claim_for(10, 6, {"PE": 0}, quotas, "CL", NOW)
    assert claim is not None and claim.kind == "general" and claim.confirmed_below == 7
    assert claim.expect == {"PE": 0}
    assert seat_claim_for(10, 7, {"PE": 0}, quotas, "CL", NOW) is None


def test_a_quota_seat_goes_to_its_country_until_released() -> None:
    quotas = [{"country": "PE", "seats": 3, "release_at": NOW + timedelta(days=1)}]
    claim = seat_claim_for(10, 7, {"PE": 0}, quotas, "PE", NOW)
    assert claim is not None and claim.kind == "quota" and claim.quota_country == "PE"
    released = seat_claim_for(10, 7, {"PE": 0}, quotas, "CL", NOW + timedelta(days=2))
    assert released is not None and released.kind == "general"


def test_unlimited_sessions_always_have_a_seat() -> None:
    claim = seat_claim_for(None, 10_000, {}, [], "US", NOW)
    assert claim is not None and claim.confirmed_below is None
    assert seats_left(None, 5) is None and seats_left(3, 5) == 0


def test_capacity_below_confirmed_needs_force() -> None:
    assert not capacity_change_is_allowed(4, 5, force=False)
    assert capacity_change_is_allowed(4, 5, force=True)
    assert capacity_change_is_allowed(5, 5, force=False)


def test_small_cells_are_suppressed() -> None:
    assert suppress_small({"PA": 5, "CL": 4}) == {"CL": None, "PA": 5}


def test_reference_checks() -> None:
    assert is_known_country("mx") and is_known_country("FR") and not is_known_country("ZZ")
    assert timezone_is_valid("America/Bogota") and not timezone_is_valid("Mars/Olympus")


@pytest.mark.parametrize("body", [
    {"email": {"$gt": ""}}, {"$where": "sleep(1)"}, {"name": {"a.b": "x"}},
    {"accessibility_needs": [{"$ne": 1}]},
])
def test_operator_shaped_input_is_refused(body: dict[str, Any]) -> None:
    good = {"name": "Ana", "email": "a@b.org", "country": "MX", "institution": "X",
            "sector": "government", "job_title": "Y", "preferred_language": "es",
            "consent": True}
    RegistrationForm.model_validate(good)
    with pytest.raises(ValidationError):
        RegistrationForm.model_validate({**good, **body})
    with pytest.raises(ValidationError):
        SessionFields.model_validate({"title": {"en": "x"}, **body})


def test_a_free_general_seat_goes_to_the_waiting_list_first() -> None:
    general = seat_claim_for(10, 9, {}, [], "CL", NOW)
    assert general is not None
    assert newcomer_must_wait(general, waiting=1) and not newcomer_must_wait(general, waiting=0)
    quotas = [{"country": "PE", "seats": 1, "release_at": NOW + timedelta(days=1)}]
    reserved = seat_claim_for(10, 9, {"PE": 0}, quotas, "PE", NOW)
    assert reserved is not None and not newcomer_must_wait(reserved, waiting=3)


def test_only_a_plain_general_claim_that_fails_sends_straight_to_the_waiting_list() -> None:
    plain = seat_claim_for(10, 3, {}, [], "CL", NOW)
    unlimited = seat_claim_for(None, 3, {}, [], "CL", NOW)
    assert plain is not None and lost_only_to_a_full_ledger(plain)
    assert unlimited is not None and lost_only_to_a_full_ledger(unlimited)
    quotas = [{"country": "PE", "seats": 2, "release_at": NOW + timedelta(days=1)}]
    reserved = seat_claim_for(10, 3, {"PE": 0}, quotas, "PE", NOW)
    beside_quota = seat_claim_for(10, 3, {"PE": 0}, quotas, "CL", NOW)
    assert reserved is not None and not lost_only_to_a_full_ledger(reserved)
    assert beside_quota is not None and not lost_only_to_a_full_ledger(beside_quota)


def test_only_a_cancelled_registration_may_be_made_again() -> None:
    assert may_register_again("cancelled") and may_register_again("expired")
    assert not any(map(may_register_again, ("rejected", "confirmed", "waitlisted", "received",
                                            "awaiting_confirmation")))


def test_cancelled_and_rejected_registrations_have_ended() -> None:
    assert registration_has_ended("cancelled") and registration_has_ended("rejected")
    assert registration_has_ended("expired")
    assert not registration_has_ended("pending_approval")
    assert not registration_has_ended("awaiting_confirmation")


def test_a_hold_awaits_confirmation_only_where_the_session_asks_and_until_confirmed() -> None:
    holding = {"hold_until_confirmed": True}
    assert awaits_confirmation(holding, {})
    assert not awaits_confirmation(holding, {"address_confirmed_at": NOW.isoformat()})
    assert not awaits_confirmation({"hold_until_confirmed": False}, {})
    assert not awaits_confirmation({}, {})  # sessions made before the setting existed


def test_a_hold_lapses_at_its_deadline() -> None:
    deadline = confirmation_deadline(NOW, 60)
    assert deadline == NOW + timedelta(hours=1)
    assert not hold_has_lapsed(deadline, deadline - timedelta(milliseconds=1))
    assert hold_has_lapsed(deadline, deadline)


def test_someone_awaiting_confirmation_may_still_withdraw() -> None:
    assert participant_may_cancel("awaiting_confirmation",
                                  {"status": "published", "ends_at": NOW + timedelta(days=1)},
                                  NOW)


def test_the_owner_of_an_address_is_mailed_at_most_once_an_hour() -> None:
    hour = NOW.replace(minute=0)
    assert owner_mail_slot(hour) == owner_mail_slot(hour + timedelta(minutes=59, seconds=59))
    assert owner_mail_slot(hour + timedelta(hours=1)) == owner_mail_slot(hour) + 1


def test_an_approved_registration_no_longer_awaits_approval() -> None:
    needs = {"requires_approval": True}
    assert awaits_approval(needs, {"approved_at": None})
    assert not awaits_approval(needs, {"approved_at": NOW.isoformat()})
    assert not awaits_approval({"requires_approval": False}, {})
