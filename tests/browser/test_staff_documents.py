"""The editors' desk in Chromium: an editor signs in from the mailed link, creates a document
with Spanish and English texts (a refused first try: the error summary takes the focus and
what was typed stays), attaches a PDF through the file input, publishes it, finds it in the
list as published, and the public page serves it in English with its file. axe-core on the
list, the new-document form (also refused) and the edit page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import (
    PageFactory,
    assert_no_console_errors,
    check_accessibility,
    screenshot,
)
from tests.browser.journeys import open_page, sign_in, staff_account, tag
from tests.browser.stack import Stack
from tests.integration.catalog_support import a_pdf

pytestmark = pytest.mark.browser


def fill_the_new_document(page: Page, word: str) -> None:
    """Everything but the Spanish title, the one the original language requires."""
    page.get_by_label("Type").select_option("study")
    page.locator("#summary_es").fill(f"Un estudio de compras abiertas {word}.")
    page.locator("#title_en").fill(f"Open public procurement {word}")
    page.locator("#summary_en").fill(f"A study of open procurement {word}.")
    page.get_by_label("Open data").check()
    page.get_by_label("Countries").fill("PA, CL")


def test_an_editor_writes_attaches_and_publishes_a_document(
        stack: Stack, new_page: PageFactory, tmp_path: Path) -> None:
    word = tag()
    page = new_page(locale="en-US", base_url=stack.base_url)
    sign_in(page, stack, staff_account(stack, "editor", "editor"))

    page.get_by_role("navigation", name="Staff desks").get_by_role(
        "link", name="Documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    check_accessibility(page, "staff-documents-list")
    page.get_by_role("link", name="Create a document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a document")
    check_accessibility(page, "staff-documents-new")

    fill_the_new_document(page, word)
    page.get_by_role("button", name="Create the draft").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#title_es")
    expect(page.locator("#title_es")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title_en")).to_have_value(f"Open public procurement {word}")
    expect(page.locator("#summary_es")).to_have_value(f"Un estudio de compras abiertas {word}.")
    expect(page.get_by_label("Open data")).to_be_checked()
    check_accessibility(page, "staff-documents-new-refused")

    page.locator("#title_es").fill(f"Compras públicas abiertas {word}")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("status")).to_have_text("The draft was created.")
    edit_path = page.url.split("?")[0]
    document_id = edit_path.rsplit("/", 1)[1]

    pdf = tmp_path / "estudio.pdf"
    pdf.write_bytes(a_pdf(f"Compras abiertas {word}"))
    page.get_by_label("File to attach").set_input_files(pdf)
    page.get_by_role("button", name="Attach the file").click()
    expect(page.get_by_role("status")).to_have_text("The file was attached.")
    expect(page.locator("ul.files")).to_contain_text("estudio.pdf")
    check_accessibility(page, "staff-documents-edit")
    screenshot(page, "staff-documents-edit")

    page.get_by_role("button", name="Publish the document").click()
    expect(page.get_by_role("status")).to_have_text("The document was published.")
    expect(page.locator("main")).to_contain_text("Status: Published")

    open_page(page, f"/staff/documents?status=published&title={word}")
    row = page.get_by_role("row", name=re.compile(f"Open public procurement {word}"))
    expect(row).to_contain_text("Published")
    screenshot(page, "staff-documents-list")
    assert_no_console_errors(page, allow=[r"status of 422"])  # the refused first try

    open_page(page, f"/documents/{document_id}?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Open public procurement {word}")
    download = page.get_by_role("link", name="estudio.pdf")
    expect(download).to_have_attribute(
        "href", re.compile(f"^/v1/documents/{document_id}/files/"))


def test_the_secretariat_records_a_baseline_of_the_network_in_numbers(
        stack: Stack, new_page: PageFactory) -> None:
    source = f"INGP in numbers {tag()}"
    page = new_page(locale="en-US", base_url=stack.base_url)
    sign_in(page, stack, staff_account(stack, "secretariat", "numbers"))

    page.get_by_role("navigation", name="Staff desks").get_by_role(
        "link", name="The network in numbers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The network in numbers")
    page.get_by_label("Value").fill("lots")
    page.get_by_role("button", name="Record the baseline").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label("Value")).to_have_value("lots")
    check_accessibility(page, "staff-numbers-refused")

    page.get_by_label("What the figure counts").select_option("exchanges")
    page.get_by_label("Value").fill("553")
    page.get_by_label("Source of the figure").fill(source)
    page.get_by_label("Date of the figure").fill("2024-12-31")
    page.get_by_role("button", name="Record the baseline").click()
    expect(page.get_by_role("status")).to_have_text("The baseline was recorded.")
    row = page.get_by_role("row", name=re.compile(source))
    expect(row).to_contain_text("Exchanges")
    expect(row).to_contain_text("553")
    check_accessibility(page, "staff-numbers")
    screenshot(page, "staff-numbers")

    row.get_by_role("link", name=re.compile("^Remove")).click()
    check_accessibility(page, "staff-numbers-remove")
    page.get_by_role("button", name="Yes, remove the baseline").click()
    expect(page.get_by_role("status")).to_have_text("The baseline was removed.")
    expect(page.get_by_role("row", name=re.compile(source))).to_have_count(0)
    assert_no_console_errors(page, allow=[r"status of 422"])
