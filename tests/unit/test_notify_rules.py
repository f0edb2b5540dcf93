"""The small rules of notify, each on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from services.notify.domain.calendar import session_invitation, session_uid
from services.notify.domain.model import (
    delivery_id,
    mask_email,
    message_id,
    reminder_source,
)
from services.notify.domain.news import subscription_matches
from services.notify.domain.rules import (
    choose_language,
    digest_period,
    may_retry,
    pick_text,
    reminder_due,
    reminder_still_useful,
    retry_delay,
    smtp_outcome,
)
from shared.contracts.registration.events import SessionSnapshot

pytestmark = pytest.mark.unit
T0 = datetime(2030, 5, 1, 12, tzinfo=UTC)


def test_language_falls_back_from_preferred_to_session_to_es_en() -> None:
    assert choose_language("fr", ["es"], ["es", "en", "pt", "fr"]) == "fr"
    assert choose_language("fr", ["pt", "es"], ["es", "en", "pt"]) == "pt"
    assert choose_language("fr", [], ["en", "es"]) == "es"
    assert choose_language(None, [], ["en"]) == "en"


def test_texts_fall_back_the_same_way() -> None:
    assert pick_text({"es": "Hola", "en": "Hi"}, "pt", ["en"]) == "Hi"
    assert pick_text({"es": "Hola", "en": "Hi"}, "pt") == "Hola"
    assert pick_text({"fr": "Salut"}, "pt") == "Salut"
    assert pick_text({}, "pt") == ""


def test_reminders_are_due_before_the_start_and_useless_after_it() -> None:
    assert reminder_due(T0, 60) == T0 - timedelta(hours=1)
    assert reminder_still_useful(T0 - timedelta(seconds=1), T0)
    assert not reminder_still_useful(T0, T0)


def test_5xx_is_permanent_and_everything_else_temporary() -> None:
    assert smtp_outcome(550) == "permanent"
    assert smtp_outcome(451) == "temporary"
    assert smtp_outcome(None) == "temporary"


def test_retries_back_off_and_stop() -> None:
    assert [retry_delay(n, 30).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30, 30) == timedelta(hours=1)
    assert may_retry(7, 8) and not may_retry(8, 8)


def test_a_delivery_is_identified_by_source_kind_and_address() -> None:
    one = delivery_id("evt-1", "confirmed", "Ana@Example.org")
    assert one == delivery_id("evt-1", "confirmed", "ana@example.org ")
    assert one != delivery_id("evt-1", "reminder", "ana@example.org")
    assert "example" not in one
    assert message_id(one, "ingp.invalid") == message_id(one, "ingp.invalid")
    assert reminder_source("s", 60, T0) != reminder_source("s", 60, T0 + timedelta(days=1))


def test_addresses_are_masked() -> None:
    assert mask_email("maria.perez@example.org") == "m***@e***.org"
    assert mask_email("x@localhost") == "x***@***localhost"


def test_subscriptions_match_on_every_chosen_dimension() -> None:
    wants = {"topics": ["open_data"], "types": [], "countries": ["CO", "PE"]}
    assert subscription_matches(wants, ["open_data", "msmes"], "guide", ["CO"])
    assert not subscription_matches(wants, ["msmes"], "guide", ["CO"])
    assert not subscription_matches(wants, ["open_data"], "guide", ["MX"])
    assert subscription_matches({}, [], "study", [])


def test_an_invitation_has_the_sessions_uid_sequence_and_method() -> None:
    session = SessionSnapshot(session_id="s9", title={"en": "T"}, format="panel", starts_at=T0,
                              ends_at=T0 + timedelta(hours=1), timezone="UTC",
                              languages=["en"], sequence=3)
    ics = session_invitation(session, "CANCEL", "en", organizer="INGP <d@ingp.invalid>",
                             attendee="a@example.org", attendee_name="A", stamp=T0)
    calendar = icalendar.Calendar.from_ical(ics)
    event = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == session_uid("s9")
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == T0


def test_digests_cut_at_midnight_and_on_mondays() -> None:
    wednesday = datetime(2030, 5, 1, 12, tzinfo=UTC)
    assert digest_period("daily", wednesday) == ("daily-2030-05-01",
                                                 datetime(2030, 5, 1, tzinfo=UTC))
    assert digest_period("weekly", wednesday) == ("weekly-2030-04-29",
                                                  datetime(2030, 4, 29, tzinfo=UTC))


def test_an_unknown_zone_falls_back_to_utc_and_says_so() -> None:
    from services.notify.domain.strings import Strings

    text = Strings.load().when("en", T0, T0 + timedelta(hours=1), "Mars/Olympus")
    assert text.endswith("12:00\u2009–\u200913:00 (UTC, GMT+00:00)")
