"""axe-core on every staff page: the pages the desks' journeys do not pass through are opened
here, and the list of staff routes is read from the app, so a new page that no browser test
checks fails this test until one does."""

from __future__ import annotations

import pytest
from litestar.routes import HTTPRoute

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.settings import Settings
from tests.browser.checks import (
    PageFactory,
    assert_no_console_errors,
    check_accessibility,
    screenshot,
)
from tests.browser.journeys import open_page, published_document, sign_in, staff_account, tag
from tests.browser.stack import Stack

pytestmark = pytest.mark.browser

CHECKED_ON_THE_WAY = {
    "/staff/sign-in": "test_staff_sign_in", "/staff/sign-in/link": "test_staff_sign_in",
    "/staff": "test_staff_sign_in", "/staff/admin/accounts": "test_staff_sign_in",
    "/staff/admin/keys": "test_staff_sign_in", "/staff/admin/audit": "test_staff_sign_in",
    "/staff/sessions": "test_staff_sessions", "/staff/sessions/new": "test_staff_sessions",
    "/staff/sessions/{session_id:str}": "test_staff_sessions",
    "/staff/sessions/{session_id:str}/messages": "test_staff_sessions",
    "/staff/sessions/{session_id:str}/registrations": "test_staff_registrations",
    "/staff/ingest": "test_staff_registrations", "/staff/deliveries": "test_staff_registrations",
    "/staff/documents": "test_staff_documents", "/staff/documents/new": "test_staff_documents",
    "/staff/documents/{document_id:str}": "test_staff_documents",
    "/staff/numbers": "test_staff_documents",
    "/staff/numbers/baselines/{baseline_id:str}/remove": "test_staff_documents",
    "/staff/translations": "test_staff_translations",
    "/staff/translations/{job_id:str}": "test_staff_translations",
    "/staff/translations/{job_id:str}/review": "test_staff_translations",
}
"""Pages another browser test checks with axe on its way, and which test does."""
NOT_PAGES = {"/staff/sessions/{session_id:str}/registrations.csv",  # a download
             "/staff/sign-in/oidc/callback"}  # a redirect (its failure page: the integration test)
CHECKED_HERE = ("/staff/sessions/{session_id:str}/edit", "/staff/sessions/{session_id:str}/agenda",
                "/staff/sessions/{session_id:str}/cancel",
                "/staff/sessions/{session_id:str}/reschedule",
                "/staff/sessions/{session_id:str}/invitations",
                "/staff/documents/{document_id:str}/withdraw")


def staff_pages() -> set[str]:
    """Every GET route under /staff, as the app declares it."""
    app = create_app(Settings(), GatewaySettings())
    return {route.path for route in app.routes if isinstance(route, HTTPRoute)
            and route.path.startswith("/staff") and "GET" in route.methods}


def test_every_staff_page_is_checked_by_axe(stack: Stack, new_page: PageFactory) -> None:
    unchecked = staff_pages() - CHECKED_ON_THE_WAY.keys() - NOT_PAGES - set(CHECKED_HERE)
    assert not unchecked, f"staff pages no browser test checks with axe: {sorted(unchecked)}"

    session_id = stack.published_session(visibility="invite_only",
                                         title={"es": f"Mesa {tag()}", "en": f"Table {tag()}"})
    document_id = published_document(stack, title={"es": f"Guía {tag()}"})
    page = new_page(locale="fr-FR", base_url=stack.base_url)
    sign_in(page, stack, staff_account(stack, "admin", "admin-axe"))
    for route in CHECKED_HERE:
        path = route.replace("{session_id:str}", session_id).replace(
            "{document_id:str}", document_id)
        open_page(page, path)
        assert page.locator("html").get_attribute("lang") == "fr"
        name = "staff" + route.split("}")[-1].replace("/", "-") + "-fr"
        check_accessibility(page, name)
        assert_no_console_errors(page)
        screenshot(page, name)
