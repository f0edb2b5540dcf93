"""axe-core on every main page of the site in each of its four languages: no serious or
critical violation. The Spanish run keeps a full-page screenshot of each page as an artifact
(build/browser-artifacts, or BROWSER_ARTIFACTS) for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageFactory, assert_no_console_errors
from tests.browser.journeys import (
    confirmed_subscriber,
    link_to,
    open_page,
    published_document,
    tag,
    wait_until,
)
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "en", "pt", "fr")


@dataclass(frozen=True)
class Site:
    """What the pages are about: made once for the module through the API and the mail."""

    session_id: str
    participant: str
    """The participant's page, as mailed (`/registrations/cancel?token=...`)."""
    word: str
    """A word only this module's document holds, to search for."""
    document_id: str
    confirm: str
    """A pending subscription's confirmation link."""
    unsubscribe: str
    """An active subscription's unsubscribe link, from a news mail."""


@pytest.fixture(scope="module")
def site(stack: Stack) -> Site:
    session_id = stack.published_session(capacity=50, join_url="https://meet.example.org/a11y")
    person = unique_email("a11y")
    stack.register(session_id, person, preferred_language="en")
    participant = link_to(stack.wait_for_mail(person, "Your seat is confirmed"),
                          "/registrations/cancel")

    reader, pending = unique_email("a11y-reader"), unique_email("a11y-pending")
    word = f"accesible{tag()}"
    confirmed_subscriber(stack, reader, topics=["professionalization"])
    document_id = published_document(
        stack, files=(("guia.txt", b"Guia\n", "text/plain"),),
        title={"es": f"Guía de profesionalización {word}", "en": f"Professionalization {word}"},
        summary={"es": "Cómo formar a los compradores públicos."},
        body={"es": f"La profesionalización de las compras públicas {word}.\n\nSegundo párrafo.",
              "en": f"Professionalising public buyers {word}."},
        topics=["professionalization"], countries=["PA", "CL"])
    unsubscribe = link_to(stack.wait_for_mail(reader, "New in the INGP repository"),
                          "/subscriptions/unsubscribe")
    asked = stack.http.post("/v1/subscriptions", json={"email": pending, "language": "es"})
    assert asked.status_code == 202, asked.text
    confirm = link_to(stack.wait_for_mail(pending), "/subscriptions/confirm")
    wait_until("the document in the search index", lambda: stack.http.get(
        "/v1/search", params={"q": word}).json()["total"])
    return Site(session_id, participant, word, document_id, confirm, unsubscribe)


def fill_the_form(page: Page, email: str) -> None:
    page.locator("#name").fill("Ana Accesible")
    page.locator("#email").fill(email)
    page.locator("#country").select_option("PA")
    page.locator("#institution").fill("DGCP")
    page.locator("#job_title").fill("Directora")
    page.locator("#sector-government").check()
    page.locator("#consent").check()


def submit(page: Page, status: int) -> None:
    with page.expect_response(re.compile(r"/register$")) as sent:
        page.locator("form[action$='/register'] button[type=submit]").click()
    assert sent.value.status == status
    page.wait_for_load_state()


def with_lang(url: str, lang: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def registration_result(page: Page, site: Site, lang: str) -> None:
    open_page(page, f"/sessions/{site.session_id}?lang={lang}")
    fill_the_form(page, unique_email(f"a11y-{lang}"))
    submit(page, 200)
    expect(page.locator(".notice-ok h1")).to_be_visible()  # confirmed


def form_with_errors(page: Page, site: Site, lang: str) -> None:
    open_page(page, f"/sessions/{site.session_id}?lang={lang}")
    page.locator("#name").fill("Ana")
    page.locator("#email").fill("not-an-address")
    submit(page, 422)
    expect(page.locator(".error-summary")).to_be_visible()


Visit = Callable[[Page, Site, str], Any]


def shows(selector: str, url: Callable[[Site, str], str], status: int = 200) -> Visit:
    """A visit that opens `url(site, lang)` and checks that `selector` is on the page."""
    def visit(page: Page, site: Site, lang: str) -> None:
        open_page(page, url(site, lang), status)
        expect(page.locator(selector).first).to_be_visible()
    return visit


PAGES: dict[str, Visit] = {
    "home": shows("main .figures", lambda site, lang: f"/?lang={lang}"),
    "sessions": shows("form.filters", lambda site, lang: f"/sessions?lang={lang}"),
    "session": shows("form[action$='/register']",
                     lambda site, lang: f"/sessions/{site.session_id}?lang={lang}"),
    "registration-result": registration_result,
    "form-with-errors": form_with_errors,
    "participant": shows("a.button[href*='confirm=1']",
                         lambda site, lang: with_lang(site.participant, lang)),
    "participant-confirm": shows("form[action='/registrations/cancel'] button",
                                 lambda site, lang: with_lang(site.participant, lang)
                                 + "&confirm=1"),
    "search": shows(".results .card-title a",
                    lambda site, lang: f"/search?q={site.word}&lang={lang}"),
    "document": shows("ul.files a", lambda site, lang: f"/documents/{site.document_id}"
                                                       f"?lang={lang}"),
    "numbers": shows("main svg", lambda site, lang: f"/numbers?lang={lang}"),
    "subscribe": shows("form[action='/subscriptions'] button",
                       lambda site, lang: f"/subscriptions?lang={lang}"),
    "subscription-confirm": shows("form[action='/subscriptions/confirm'] button",
                                  lambda site, lang: with_lang(site.confirm, lang)),
    "unsubscribe": shows("form[action='/subscriptions/unsubscribe'] button",
                         lambda site, lang: with_lang(site.unsubscribe, lang)),
    "not-found": shows("main ul.links", lambda site, lang: f"/no/such/page?lang={lang}", 404),
}
DELIBERATE = [r"status of (404|422)"]
"""Chromium logs a page's own error status as a failed resource: these ones are meant."""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_is_accessible(
        name: str, lang: str, site: Site, stack: Stack, new_page: PageFactory,
        check_accessibility: Callable[[Page, str], list[dict[str, Any]]],
        screenshot: Callable[[Page, str], Path]) -> None:
    page = new_page(locale="en-US", base_url=stack.base_url)
    PAGES[name](page, site, lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("main h1")).to_have_count(1)
    check_accessibility(page, f"{name}-{lang}")
    assert_no_console_errors(page, allow=DELIBERATE)
    if lang == "es":
        assert screenshot(page, name).stat().st_size > 10_000
