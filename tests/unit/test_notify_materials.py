"""The materials mail and the certificate mail: in each language, with the right links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain import texts
from services.notify.domain.certificates import Certificate, compose_certificate_mail
from services.notify.domain.links import Site
from services.notify.domain.materials import (
    Material,
    compose_materials_mail,
    material_links,
    materials_mail_due,
)
from services.notify.domain.model import certificate_source, delivery_id, materials_source
from services.notify.domain.participants import came_to_the_session
from services.notify.domain.strings import LANGUAGES, Strings
from shared.contracts.registration.events import SessionSnapshot

pytestmark = pytest.mark.unit
STRINGS = Strings.load()
SITE = Site.at("https://d.example.org/")
SESSION = SessionSnapshot(
    session_id="s1", title={"es": "Compras", "en": "Procurement", "pt": "Compras públicas",
                            "fr": "Marchés publics"},
    format="webinar", starts_at=datetime(2030, 7, 1, 14, tzinfo=UTC),
    ends_at=datetime(2030, 7, 1, 15, tzinfo=UTC), timezone="America/Bogota",
    languages=["es", "en"])
MATERIALS = [Material("d1", {"es": "Grabación", "en": "Recording"}, "es"),
             Material("d2", {"pt": "Apresentação"}, "pt")]


def test_the_mail_goes_when_the_window_of_the_first_material_closes() -> None:
    first = datetime(2030, 7, 2, tzinfo=UTC)
    assert materials_mail_due(first, None, 300) == first + timedelta(minutes=5)
    assert materials_mail_due(first, SESSION.ends_at, 300) == first + timedelta(minutes=5)


def test_materials_shared_before_the_session_are_mailed_after_it() -> None:
    early = SESSION.starts_at - timedelta(days=1)
    assert materials_mail_due(early, SESSION.ends_at, 300) == \
        SESSION.ends_at + timedelta(minutes=5)


def test_one_materials_mail_per_session_and_address_one_certificate_mail_per_code() -> None:
    assert delivery_id(materials_source("s1"), "materials_published", "A@x.org") == \
        delivery_id(materials_source("s1"), "materials_published", "a@x.org ")
    assert materials_source("s1") != materials_source("s2")
    assert certificate_source("C-1") != certificate_source("C-2")


def test_attendance_hears_of_materials_other_mails_do_not() -> None:
    assert came_to_the_session("attended")
    assert not came_to_the_session("no_show") and not came_to_the_session("confirmed")


def test_titles_in_the_readers_language_else_the_original_linked_in_theirs() -> None:
    assert material_links(SITE, "en", MATERIALS) == [
        ("Recording", "https://d.example.org/documents/d1?lang=en"),
        ("Apresentação", "https://d.example.org/documents/d2?lang=en")]
    assert material_links(SITE, "fr", MATERIALS)[0][0] == "Grabación"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_materials_mail_is_in_one_language_and_lists_each_material(language: str) -> None:
    content = compose_materials_mail(STRINGS, language, SESSION, "Ana", MATERIALS, SITE)  # type: ignore[arg-type]
    assert SESSION.title[language] in content.subject  # type: ignore[index]
    assert content.paragraphs == [STRINGS.t(language, texts.INTRO["materials_published"],  # type: ignore[arg-type]
                                            title=SESSION.title[language])]  # type: ignore[index]
    assert [url for _, url in content.secondary] == [
        f"https://d.example.org/documents/d1?lang={language}",
        f"https://d.example.org/documents/d2?lang={language}", "https://d.example.org/sessions/s1"]
    assert content.notes == [STRINGS.t(language, texts.MATERIALS_LATER)]  # type: ignore[arg-type]
    if language != "en":
        assert STRINGS.t(language, texts.MATERIALS_LATER) != texts.MATERIALS_LATER  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_mail_links_the_download_and_the_verification(language: str) -> None:
    content = compose_certificate_mail(
        STRINGS, language, SESSION, "Ana",  # type: ignore[arg-type]
        Certificate("C-7", [language, "en"], cancel_token="tok.a"), SITE)  # type: ignore[list-item]
    assert SESSION.title[language] in content.subject  # type: ignore[index]
    assert content.actions[0][1] == "https://d.example.org/registrations/certificate.pdf?token=tok.a"
    assert content.secondary[0][1] == "https://d.example.org/certificates/C-7"
    assert (STRINGS.t(language, texts.LABEL_CERTIFICATE_CODE), "C-7") in content.details  # type: ignore[arg-type]
    assert len(content.paragraphs) == 1  # replaces nothing


def test_a_superseding_certificate_says_which_code_it_replaces() -> None:
    content = compose_certificate_mail(
        STRINGS, "es", SESSION, "Ana", Certificate("C-8", ["es"], supersedes="C-7"), SITE)
    assert content.paragraphs[1] == ("Este certificado reemplaza al que se le emitió antes "
                                     "(código C-7), que ya no es válido.")
    assert content.actions == []  # no token, no download link


def test_certificate_pages_keep_odd_characters_in_their_place() -> None:
    assert SITE.certificate("a&b") == \
        "https://d.example.org/registrations/certificate.pdf?token=a%26b"
    assert SITE.certificate_verification("x/y") == "https://d.example.org/certificates/x%2Fy"
