"""The site's pages as mail links them (the integration test checks every mail kind)."""

from __future__ import annotations

import pytest

from services.notify.domain.links import Site

pytestmark = pytest.mark.unit
SITE = Site.at("https://dialogues.example.org/")


def test_pages_hang_off_the_base_with_or_without_its_trailing_slash() -> None:
    assert Site.at("https://d.example.org") == Site.at("https://d.example.org/")
    assert SITE.sessions() == "https://dialogues.example.org/sessions"
    assert SITE.session("ses-1") == "https://dialogues.example.org/sessions/ses-1"


def test_tokens_ride_in_the_query_and_the_one_click_target_is_the_api() -> None:
    assert SITE.registration("a.b-c_d") == \
        "https://dialogues.example.org/registrations/cancel?token=a.b-c_d"
    assert SITE.registration_confirm("a.b-c_d") == \
        "https://dialogues.example.org/registrations/confirm?token=a.b-c_d"
    assert SITE.subscription_confirm("t") == \
        "https://dialogues.example.org/subscriptions/confirm?token=t"
    assert SITE.unsubscribe("t") == \
        "https://dialogues.example.org/subscriptions/unsubscribe?token=t"
    assert SITE.one_click_unsubscribe("t") == \
        "https://dialogues.example.org/v1/subscriptions/unsubscribe?token=t"


def test_a_document_opens_in_a_language_when_one_is_given() -> None:
    assert SITE.document("doc-1") == "https://dialogues.example.org/documents/doc-1"
    assert SITE.document("doc-1", "pt") == \
        "https://dialogues.example.org/documents/doc-1?lang=pt"


def test_odd_characters_cannot_leave_their_place_in_the_url() -> None:
    assert SITE.session("a/b?c") == "https://dialogues.example.org/sessions/a%2Fb%3Fc"
    assert SITE.registration("x&y=z") == \
        "https://dialogues.example.org/registrations/cancel?token=x%26y%3Dz"


def test_a_translation_job_opens_in_the_translators_editor() -> None:
    assert SITE.translation_job("job_1a") == \
        "https://dialogues.example.org/staff/translations/job_1a"
