"""A reader searches the repository in Portuguese, opens a document from the results, switches
the page to English with the language switcher, and downloads the document's file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import PageFactory, assert_no_console_errors
from tests.browser.journeys import open_page, published_document, tag
from tests.browser.stack import Stack

pytestmark = pytest.mark.browser


def search_until_found(page: Page, words: str, title: str, timeout_s: float = 15.0) -> None:
    """Search with the page's form as a reader does; search again while the index has not
    caught up with the new document."""
    for _ in range(int(timeout_s / 0.5)):
        page.get_by_role("searchbox").fill(words)
        page.get_by_role("searchbox").press("Enter")
        page.wait_for_load_state()
        if page.get_by_role("link", name=title, exact=True).count():
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"searching {words!r} never listed {title!r}")


def test_search_in_portuguese_read_in_english_and_download_the_file(
        stack: Stack, new_page: PageFactory) -> None:
    word = tag()
    title_pt, title_en = (f"Compras sustentáveis no Brasil {word}",
                          f"Sustainable procurement in Brazil {word}")
    content = f"Notas da sessão {word}\nLicitações verdes reduzem custos.\n".encode()
    file_name = f"notas-{word}.txt"
    document_id = published_document(
        stack, files=((file_name, content, "text/plain"),), type="study",
        source_language="pt", title={"pt": title_pt, "en": title_en},
        summary={"pt": "Um estudo sobre licitações verdes.", "en": "A study of green tenders."},
        body={"pt": "As licitações verdes reduzem custos e emissões.",
              "en": "Green tenders cut costs and emissions."},
        topics=["sustainable_procurement"], countries=["BR"])

    page = new_page(locale="pt-BR", base_url=stack.base_url, accept_downloads=True)
    open_page(page, "/search")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    search_until_found(page, "licitações verdes", title_pt)
    expect(page).to_have_title(re.compile("licitações verdes"))
    page.get_by_role("link", name=title_pt, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/documents/{document_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title_pt)
    expect(page.get_by_role("heading", name="Arquivos para baixar")).to_be_visible()
    assert_no_console_errors(page)

    page.locator("nav.languages").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"/documents/{document_id}\?lang=en$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(title_en)
    expect(page.locator(".document-text")).to_contain_text("Green tenders cut costs")
    expect(page.locator("nav.languages [aria-current]")).to_have_text("English")
    assert_no_console_errors(page)

    with page.expect_download(timeout=10_000) as downloading:
        page.get_by_role("link", name=file_name, exact=True).click()
    download = downloading.value
    assert download.suggested_filename == file_name
    assert Path(download.path()).read_bytes() == content
    assert_no_console_errors(page)
