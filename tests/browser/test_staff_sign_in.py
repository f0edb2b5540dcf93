"""Staff sign in as the issue asks: from the mailed link, into a session cookie that the
browser keeps, on pages that pass axe-core; signing out ends it, a spent link says so, and a
role without the right sees the 403 page, not the desk."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.checks import (
    PageFactory,
    assert_no_console_errors,
    check_accessibility,
    screenshot,
)
from tests.browser.journeys import link_to, open_page, sign_in, staff_account
from tests.browser.stack import Stack

pytestmark = pytest.mark.browser

ADMIN_PAGES = ("/staff", "/staff/admin/accounts", "/staff/admin/keys", "/staff/admin/audit")


def test_an_admin_signs_in_from_the_mail_works_and_signs_out(
        stack: Stack, new_page: PageFactory) -> None:
    admin = staff_account(stack, "admin", "admin")
    page = new_page(locale="es-ES", base_url=stack.base_url)

    # Signed out, a staff page sends the browser to sign in, and back after.
    open_page(page, "/staff/admin/accounts")
    assert page.url.endswith("/staff/sign-in?next=%2Fstaff%2Fadmin%2Faccounts"), page.url
    check_accessibility(page, "staff-sign-in-es")
    page.locator("#email").fill(admin)
    page.locator("form[action='/staff/sign-in'] button[type=submit]").click()
    expect(page.locator("main")).not_to_contain_text(admin)  # the page says the same to all
    check_accessibility(page, "staff-sign-in-sent-es")

    link = link_to(stack.wait_for_mail(admin), "/staff/sign-in/link")
    response = open_page(page, link)
    assert response.headers["referrer-policy"] == "no-referrer"
    check_accessibility(page, "staff-sign-in-link-es")
    page.locator("form[action='/staff/sign-in/link'] button[type=submit]").click()
    page.wait_for_url("**/staff/admin/accounts")

    cookie = next(c for c in page.context.cookies() if c["name"] == "dlg_staff")
    assert (cookie["secure"], cookie["httpOnly"], cookie["sameSite"]) == (True, True, "Lax")

    for path in ADMIN_PAGES:
        open_page(page, path)
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page, f"staff{path.replace('/', '-')}-es")
        assert_no_console_errors(page)
    screenshot(page, "staff-admin-audit-es")

    # Signing out ends the session: the desk asks to sign in again.
    page.locator("form[action='/staff/sign-out'] button[type=submit]").click()
    page.wait_for_url("**/staff/sign-in")
    open_page(page, "/staff")
    assert "/staff/sign-in" in page.url

    # The link was spent: it says so, in the reader's language, and offers a new one.
    open_page(page, link, status=410)
    check_accessibility(page, "staff-sign-in-link-gone-es")


def test_a_translator_is_refused_the_admin_desk_in_their_language(
        stack: Stack, new_page: PageFactory) -> None:
    translator = staff_account(stack, "translator", "traductora")
    page = new_page(locale="pt-BR", base_url=stack.base_url)
    sign_in(page, stack, translator)
    open_page(page, "/staff/admin/accounts", status=403)
    assert page.locator("html").get_attribute("lang") == "pt"
    check_accessibility(page, "staff-forbidden-pt")
    # The menu offers only what the role may open.
    open_page(page, "/staff")
    expect(page.locator("nav a[href='/staff/admin/accounts']")).to_have_count(0)
