"""The secretariat's registrations desk in Chromium: sign in from the mailed link, open a
session's registrations, approve one, upload the platform's attendance report and see the
row that matched nobody, download the CSV; then the delivery log and the ingest queue. axe
on each page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.checks import assert_no_console_errors
from tests.browser.journeys import open_page, sign_in, staff_account, tag
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser
Check = Callable[[Page, str], list[dict[str, Any]]]



def test_the_secretariat_works_a_sessions_registrations(
        page: Page, stack: Stack, check_accessibility: Check,
        screenshot: Callable[[Page, str], Path], tmp_path: Path) -> None:
    session_id = stack.published_session(requires_approval=True, capacity=20,
                                         title={"es": f"Mesa {tag()}"})
    emails = [unique_email("desk") for _ in range(3)]
    for email in emails:
        stack.register(session_id, email)
    sign_in(page, stack, staff_account(stack, "secretariat", "desk"), lang="en")

    table = f"/staff/sessions/{session_id}/registrations"
    open_page(page, table)
    check_accessibility(page, "registrations")
    for email in emails:
        assert page.get_by_role("cell", name=email).is_visible()
    first_row = page.locator("tr", has=page.get_by_role("cell", name=emails[0]))
    first_row.get_by_role("button", name="Approve").click()
    page.wait_for_url("**done=approve")
    assert page.get_by_role("status").inner_text().startswith("The registration was approved")
    approved_row = page.locator("tr", has=page.get_by_role("cell", name=emails[0]))
    assert "Confirmed" in approved_row.inner_text()

    report = tmp_path / "attendance.csv"
    report.write_text(f"Email,Duration\n{emails[0]},35\nstranger@example.org,12\n")
    page.get_by_label("Attendance report of the webinar platform").set_input_files(report)
    page.get_by_role("button", name="Upload the report").click()
    unmatched = page.get_by_role("table", name="Rows that recorded nothing")
    unmatched.wait_for()
    assert "No registration for this session has this address" in unmatched.inner_text()
    assert page.get_by_role("row", name="3").count() >= 1
    check_accessibility(page, "attendance-recorded")
    screenshot(page, "attendance")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    exported = Path(download.value.path()).read_text()
    assert all(email in exported for email in emails)

    open_page(page, f"/staff/deliveries?session={session_id}")
    assert page.get_by_role("heading", name="Delivery log").is_visible()
    check_accessibility(page, "deliveries")
    screenshot(page, "deliveries")
    page.get_by_role("link", name="Ingest queue").click()
    page.wait_for_url("**/staff/ingest")
    check_accessibility(page, "ingest")
    assert_no_console_errors(page)
