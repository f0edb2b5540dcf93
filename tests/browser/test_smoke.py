"""The browser-test infrastructure itself: a real chromium reaches the real stack, the mail
sink yields a participant's links, and the accessibility check fails a bad page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.checks import assert_no_console_errors, page_errors
from tests.browser.mail import links_in
from tests.browser.stack import Stack, unique_email

pytestmark = pytest.mark.browser

CheckAccessibility = Callable[[Page, str], list[dict[str, Any]]]

GOOD_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'self'; img-src 'self' data:">
<title>A good page</title></head>
<body><main><h1>Virtual Dialogues</h1><p>Plain black text on white.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="INGP logo"></main></body></html>"""

BAD_PAGE = """<!doctype html><html lang="en"><head><title>A bad page</title></head>
<body><main><h1>Virtual Dialogues</h1>
<p style="color:#ccc;background:#fff">Light grey on white is hard to read.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>"""


def test_the_browser_reaches_the_running_gateway(page: Page, stack: Stack) -> None:
    live = page.goto("/health/live")
    assert live is not None and live.status == 200, live and live.text()
    reference = page.goto("/v1/reference")
    assert reference is not None and reference.status == 200
    assert reference.headers["content-type"].startswith("application/json")
    assert isinstance(reference.json(), dict)
    assert page.url == stack.url("/v1/reference")
    # Chromium asks for /favicon.ico beside a JSON document; the site's pages name their icon.
    assert_no_console_errors(page, allow=[r"favicon\.ico"])


def test_a_registration_mails_links_to_the_running_gateway(stack: Stack) -> None:
    session_id = stack.published_session()
    email = unique_email()
    stack.register(session_id, email, preferred_language="en")
    mail = stack.wait_for_mail(email, "Your seat is confirmed")
    links = links_in(mail)
    assert links, mail.as_string()
    assert any(link.startswith(stack.base_url + "/") for link in links), links


def test_the_accessibility_check_passes_a_good_page(
        blank_page: Page, check_accessibility: CheckAccessibility,
        screenshot: Callable[[Page, str], Path]) -> None:
    blank_page.set_content(GOOD_PAGE)
    assert check_accessibility(blank_page, "good page") == []
    # axe-core runs even where the page's policy forbids inline and foreign script.
    assert_no_console_errors(blank_page)
    shot = screenshot(blank_page, "good")
    assert shot.stat().st_size > 0


def test_the_accessibility_check_fails_a_bad_page(
        blank_page: Page, check_accessibility: CheckAccessibility) -> None:
    blank_page.set_content(BAD_PAGE)
    with pytest.raises(AssertionError) as failure:
        check_accessibility(blank_page, "bad page")
    assert "image-alt (critical)" in str(failure.value)
    assert "color-contrast (serious)" in str(failure.value)
    assert "at img" in str(failure.value)


def test_console_errors_are_recorded(blank_page: Page) -> None:
    blank_page.set_content("<!doctype html><title>t</title><script>"
                           "console.error('deliberate'); setTimeout(() => undefined_name)"
                           "</script>")
    blank_page.wait_for_timeout(100)
    errors = page_errors(blank_page)
    assert any("deliberate" in error for error in errors), errors
    assert any("undefined_name" in error for error in errors), errors
    with pytest.raises(AssertionError, match="2 console error"):
        assert_no_console_errors(blank_page)
    assert_no_console_errors(blank_page, allow=["deliberate", "undefined_name"])
