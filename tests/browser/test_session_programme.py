"""A session page with a programme, in a real chromium in the four languages: the venue, the
parent event, the organisers, the agenda's blocks and slots with local times and people, and
the links to add it to a calendar or subscribe to the feed. A full-page screenshot of each
language is kept (build/browser-artifacts) for a person to look at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.checks import assert_no_console_errors
from tests.browser.stack import Stack
from tests.support.sessions import plain_session_body

pytestmark = pytest.mark.browser

START = (datetime.now(UTC) + timedelta(days=30)).replace(hour=16, minute=30, second=0,
                                                         microsecond=0)
EXPECTED = {  # what each language must show of the same programme
    "es": ("Programa", "Ponente", "Moderación", "Experiencias regionales", "Bolivia",
           "Organizado por"),
    "en": ("Programme", "Speaker", "Moderator", "Regional experiences", "Bolivia",
           "Organised by"),
    "pt": ("Programa", "Palestrante", "Moderação", "Experiencias regionales", "Bolívia",
           "Organizado por"),
    "fr": ("Programme", "Intervenant·e", "Modération", "Experiencias regionales", "Bolivie",
           "Organisé par"),
}


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def programme() -> dict[str, Any]:
    """The special panel of the agenda seed, shortened."""
    return {
        "title": {"es": "Panel especial sobre compras públicas", "en": "Special panel on "
                  "public procurement"},
        "starts_at": at(0), "ends_at": at(120), "timezone": "America/La_Paz",
        "people": [{"key": "jpg", "name": "Jean Paul Guevara", "institution": "SELA",
                    "title": "Secretario Permanente"},
                   {"key": "ana", "name": "Ana Pérez", "institution": "ChileCompra",
                    "country": "CL"}],
        "agenda": [
            {"key": "opening", "title": {"es": "Apertura", "en": "Opening"}, "slots": [
                {"key": "welcome", "starts_at": at(5), "ends_at": at(20), "kind": "opening",
                 "people": [{"person": "jpg", "role": "moderator"}]}]},
            {"key": "regional", "title": {"es": "Experiencias regionales",
                                          "en": "Regional experiences"}, "slots": [
                {"key": "chile", "starts_at": at(20), "ends_at": at(35),
                 "kind": "presentation", "title": {"es": "El caso de Chile"},
                 "people": [{"person": "ana", "role": "speaker"}]},
                {"key": "debate", "starts_at": at(35), "ends_at": at(60), "kind": "questions"}]}],
        "rationale": {"es": "Las compras públicas mueven una parte grande del gasto.",
                      "en": "Public procurement moves a large share of spending."},
        "objectives": [{"es": "Compartir experiencias.", "en": "Share experiences."}],
        "keywords": ["compras públicas", "integridad"],
        "organisers": [{"name": "Sistema Económico Latinoamericano y del Caribe",
                        "acronym": "SELA", "url": "https://www.sela.org"}],
        "partners": [{"agency": "CL"}],
        "parent_event": {"name": {"es": "XXVII Congreso del CLAD"},
                         "url": "https://clad.org/congreso"},
        "venue": {"mode": "in_person", "place": "CICC", "room": "Sala 3", "city": "Sucre",
                  "country": "BO"},
    }


@pytest.fixture(scope="module")
def panel(stack: Stack) -> str:
    """The panel's id, published; skipped while registration does not answer the agenda."""
    created = stack.http.post("/v1/sessions", json=plain_session_body(**programme()),
                              headers=stack.auth)
    assert created.status_code == 201, created.text
    if not created.json().get("agenda"):
        pytest.skip("the registration service does not answer the agenda yet (issue 14)")
    session_id: str = created.json()["id"]
    published = stack.http.post(f"/v1/sessions/{session_id}/publish", headers=stack.auth)
    assert published.status_code == 200, published.text
    return session_id


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_the_session_page_shows_the_programme(
        page: Page, stack: Stack, panel: str, lang: str,
        screenshot: Callable[[Page, str], Path]) -> None:
    answer = page.goto(f"/sessions/{panel}?lang={lang}")
    assert answer is not None and answer.status == 200
    main = page.locator("main").inner_text()
    for expected in EXPECTED[lang]:
        assert expected in main, (lang, expected)
    # 16:35 UTC is 12:35 in La Paz: the agenda is in the session's zone, as printed.
    assert "12:35" in page.locator("#programme ~ section").first.inner_text()
    assert "CICC, Sala 3" in main and "XXVII Congreso del CLAD" in main
    assert page.locator("a[href='https://clad.org/congreso']").count() == 1
    slots = page.locator(".agenda-slot")
    assert slots.count() == 3
    calendar = page.locator(f"a[href='/sessions/{panel}/calendar.ics?lang={lang}']")
    assert calendar.count() == 1
    assert page.locator("a[href^='webcal://']").count() == 1
    assert_no_console_errors(page)
    screenshot(page, lang)
