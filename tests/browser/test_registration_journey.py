"""A person registers in Spanish with the keyboard alone for a full session, lands on the
waiting list, and gets the seat when the confirmed person cancels from their mailed link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageFactory, assert_no_console_errors
from tests.browser.journeys import focused, link_to, open_page, tag
from tests.browser.mail import links_in
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser

JOIN_URL = "https://meet.example.org/x"


def registrations(stack: Stack, session_id: str) -> dict[str, dict[str, Any]]:
    """The session's registrations by e-mail, as the secretariat sees them."""
    found = stack.http.get(f"/v1/sessions/{session_id}/registrations", headers=stack.auth)
    assert found.status_code == 200, found.text
    return {row["email"]: row for row in found.json()["items"]}


def open_session_from_the_list(page: Page, title: str) -> None:
    """From /sessions, follow "next" pages until the session's link shows, and click it."""
    open_page(page, "/sessions")
    link = page.get_by_role("link", name=title, exact=True)
    for _ in range(10):
        if link.count():
            break
        page.get_by_role("link", name="Sesiones siguientes").click()
    link.click()


def test_registration_by_keyboard_alone_then_promotion_by_the_mailed_link(
        stack: Stack, new_page: PageFactory) -> None:
    title = f"Compras públicas abiertas {tag()}"
    session_id = stack.published_session(capacity=1, join_url=JOIN_URL,
                                         title={"es": title, "en": f"Open procurement {title}"})
    first, tested = unique_email("primera"), unique_email("teclado")
    assert stack.register(session_id, first)["status"] == "confirmed"

    # The tested person finds the session in the list and registers with the keyboard only.
    page = new_page(locale="es-ES", base_url=stack.base_url)
    open_session_from_the_list(page, title)
    expect(page).to_have_url(re.compile(rf"/sessions/{session_id}$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).to_contain_text("Todas las plazas están ocupadas")

    page.locator("#name").focus()
    page.keyboard.type("Beatriz Teclado")
    steps = [("email", tested), ("country", "Panam"), ("institution", "DGCP Panamá"),
             ("job_title", "Analista de compras")]
    for field, typed in steps:
        page.keyboard.press("Tab")
        assert focused(page) == field
        page.keyboard.type(typed)
    page.keyboard.press("Tab")
    assert focused(page) == "sector-government"  # the group's first choice
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "gender-female"  # optional: left alone
    page.keyboard.press("Tab")
    assert focused(page) == "preferred_language-es"  # the page's language, already chosen
    page.keyboard.press("Tab")
    assert focused(page) == "accessibility_needs"
    page.keyboard.type("Subtítulos, por favor")
    page.keyboard.press("Tab")
    assert focused(page) == "consent"
    page.keyboard.press("Space")
    expect(page.locator("#country")).to_have_value("PA")
    expect(page.locator("#sector-government")).to_be_checked()
    expect(page.locator("#consent")).to_be_checked()
    page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Entrar en la lista de espera")
    expect(submit).to_be_focused()
    with page.expect_response(re.compile(rf"/sessions/{session_id}/register$")) as sent:
        page.keyboard.press("Enter")
    assert sent.value.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Está en la lista de espera")
    expect(page.locator("main")).to_contain_text("Su lugar en la lista de espera: 1.")
    assert_no_console_errors(page)
    stored = registrations(stack, session_id)[tested]
    assert (stored["status"], stored["waitlist_position"]) == ("waitlisted", 1)
    assert {k: stored[k] for k in ("name", "country", "sector", "institution", "job_title",
                                   "preferred_language", "accessibility_needs")} == {
        "name": "Beatriz Teclado", "country": "PA", "sector": "government",
        "institution": "DGCP Panamá", "job_title": "Analista de compras",
        "preferred_language": "es", "accessibility_needs": "Subtítulos, por favor"}

    # The first person cancels from their confirmation mail: a page, then a button.
    confirmation = stack.wait_for_mail(first, "Su lugar está confirmado")
    mine = new_page(locale="es-ES", base_url=stack.base_url)
    shown = open_page(mine, link_to(confirmation, "/registrations/cancel"))
    assert shown.headers["referrer-policy"] == "no-referrer"
    expect(mine.locator("dl.facts")).to_contain_text("Confirmada")
    mine.get_by_role("link", name="Cancelar mi inscripción").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("¿Cancelar su inscripción?")
    assert registrations(stack, session_id)[first]["status"] == "confirmed"  # only shown
    mine.get_by_role("button", name="Sí, cancelar mi inscripción").click()
    expect(mine.get_by_role("heading", level=1)).to_have_text("Su inscripción está cancelada")
    assert_no_console_errors(mine)

    # The waiting person is promoted and told, with the join link, in their language.
    promoted = stack.wait_for_mail(tested, "Se liberó un lugar para usted")
    assert JOIN_URL in links_in(promoted)
    theirs = new_page(locale="es-ES", base_url=stack.base_url)
    open_page(theirs, link_to(promoted, "/registrations/cancel"))
    expect(theirs.locator("dl.facts")).to_contain_text("Confirmada")
    join = theirs.get_by_role("link", name="Entrar a la sesión")
    expect(join).to_have_attribute("href", JOIN_URL)
    # The calendar link downloads in a browser: fetched here instead.
    ics = theirs.get_by_role("link", name="Añadir a mi calendario (.ics)").get_attribute("href")
    calendar = stack.http.get(str(ics))
    assert calendar.status_code == 200 and "BEGIN:VEVENT" in calendar.text, calendar.text
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert_no_console_errors(theirs)
    assert {e: r["status"] for e, r in registrations(stack, session_id).items()} == {
        first: "cancelled", tested: "confirmed"}


def test_a_refused_form_says_what_to_do_in_spanish_and_keeps_what_was_typed(
        stack: Stack, new_page: PageFactory) -> None:
    """The third person of the journey: the same full session's form, sent with mistakes."""
    session_id = stack.published_session(capacity=1)
    seated = unique_email("sentada")
    stack.register(session_id, seated)
    third = new_page(locale="es-ES", base_url=stack.base_url)
    open_page(third, f"/sessions/{session_id}")
    # Choices labelled in Python speak the page's language too.
    expect(third.locator('label[for="gender-female"]')).to_have_text("Mujer")
    third.locator("#name").fill("Carla <Errores>")
    third.locator("#email").fill("no-es-un-correo")
    third.locator("#institution").fill("ChileCompra")
    with third.expect_response(re.compile(r"/register$")) as refused:
        third.get_by_role("button", name="Entrar en la lista de espera").click()
    assert refused.value.status == 422
    expect(third).to_have_title(re.compile(r"^Error: "))
    summary = third.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Hay un problema")
    expected = {"email": "Escriba su correo electrónico como nombre@ejemplo.org",
                "consent": "Marque la casilla para aceptar cómo usamos sus datos"}
    for field, message in expected.items():
        expect(summary.locator(f'a[href="#{field}"]')).to_contain_text(message)
        expect(third.locator(f"#{field}-error")).to_contain_text(message)
        expect(third.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        expect(third.locator(href)).to_have_count(1)  # each item leads to its field
    expect(summary.locator('a[href="#name"]')).to_have_count(0)
    expect(third.locator("#name")).to_have_value("Carla <Errores>")
    expect(third.locator("#email")).to_have_value("no-es-un-correo")
    expect(third.locator("#institution")).to_have_value("ChileCompra")
    # Chromium logs the refusal's status (422) as a failed resource: that one is deliberate.
    assert_no_console_errors(third, allow=[r"status of 422"])
    assert set(registrations(stack, session_id)) == {seated}  # nothing was registered
