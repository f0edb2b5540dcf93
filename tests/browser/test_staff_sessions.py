"""The secretariat's sessions desk in a real browser: sign in from the mailed link, create a
session, publish it, see a registration arrive, and mail the registrants (the mail arrives);
axe-core on every page of the way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.checks import (
    PageFactory,
    assert_no_console_errors,
    check_accessibility,
    screenshot,
)
from tests.browser.journeys import sign_in, staff_account, tag
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser



def test_the_secretariat_creates_publishes_and_mails_a_session(
        stack: Stack, new_page: PageFactory) -> None:
    secretary, registrant = staff_account(stack, "secretariat", "secretaria"), unique_email(
        "registrant")
    page = new_page(locale="en-US", base_url=stack.base_url)
    sign_in(page, stack, secretary)

    page.get_by_role("navigation", name="Staff desks").get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions")
    check_accessibility(page, "staff-sessions-list")
    page.get_by_role("link", name="Create a session").click()
    check_accessibility(page, "staff-sessions-new")

    title = f"Open contracting data {tag()}"
    starts = (datetime.now(UTC) + timedelta(days=9)).astimezone(ZoneInfo("America/New_York"))
    page.locator("#title_en").fill(title)
    page.locator("#title_es").fill(f"Datos de contratación {title[-8:]}")
    page.get_by_label("Format").select_option("webinar")
    page.get_by_label("Open data").check()
    page.locator("#starts_at").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.locator("#ends_at").fill(starts.strftime("%Y-%m-%dT12:00"))
    page.get_by_label("Seats").fill("5")
    page.get_by_label("Join URL of the webinar").fill("https://meet.example.org/desk")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    session_id = page.url.rsplit("/", 1)[1]
    check_accessibility(page, "staff-sessions-page")

    page.get_by_role("button", name="Publish the session").click()
    expect(page.get_by_role("status")).to_contain_text("registration is open")
    stack.register(session_id, registrant, preferred_language="en")
    page.reload()
    expect(page.locator("main")).to_contain_text("1 of 5 taken")

    page.get_by_role("link", name="Mail the registrants").click()
    check_accessibility(page, "staff-sessions-messages")
    for field, text in (("#subject_es", "Sala nueva"), ("#body_es", "Sala B."),
                        ("#subject_en", f"New room {title[-8:]}"), ("#body_en", "Room B.")):
        page.locator(field).fill(text)
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_role("status")).to_contain_text("mailed to 1 person")
    mail = stack.wait_for_mail(registrant, f"New room {title[-8:]}")
    assert "Room B." in str(mail.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]
    check_accessibility(page, "staff-sessions-sent")
    screenshot(page, "staff-sessions-sent")
    page.get_by_role("link", name=re.compile("^Back to")).click()
    screenshot(page, "staff-sessions-page")
    assert_no_console_errors(page)
