"""Fixtures of the browser tests: the whole stack, Debian's chromium through Playwright, and a
fresh page per test.

Without `chromium` on PATH every test marked `browser` is reported as skipped, with the reason.

The stack and the browser live as long as this package's tests (scope "package"), not the whole
session: Playwright's sync API keeps an event loop running in this thread while it is open,
and the asynchronous tests that run after this package need the thread to themselves.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser import checks
from tests.browser.checks import PageFactory
from tests.browser.stack import Stack, start_stack

CHROMIUM_MISSING = "Chromium not found on PATH; .ci/run installs Debian's chromium with apt-get"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip, before any fixture starts, a browser test that has no browser to run in."""
    if item.get_closest_marker("browser") and shutil.which("chromium") is None:
        pytest.skip(CHROMIUM_MISSING)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test itself failed, for the page fixture's screenshot."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`dialogues up` on a free port, PUBLIC_BASE_URL pointing at it, with a secretariat key."""
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, launched once for the package."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    """`new_page(**context_options)`: a page in a fresh context (own cookies, own storage)
    that records its console errors; e.g. `new_page(locale="es-PA", base_url=...)`.

    A test that fails leaves a full-page screenshot of each of its pages in the artifacts.
    """
    contexts = []

    def open_page(**context_options: Any) -> Page:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        checks.record_errors(page)
        return page

    yield open_page
    if request.node.stash.get(_CALL_FAILED, False):
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            checks.screenshot(page, f"FAILED-{request.node.name}-{number}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: PageFactory, stack: Stack) -> Page:
    """A fresh page whose relative addresses go to the stack (`page.goto("/")`)."""
    return new_page(base_url=stack.base_url)


@pytest.fixture
def blank_page(new_page: PageFactory) -> Page:
    """A fresh page with no stack behind it, for `page.set_content(...)`."""
    return new_page()


@pytest.fixture
def check_accessibility() -> Callable[[Page, str], list[dict[str, Any]]]:
    """`check_accessibility(page, name)`: fail on serious or critical axe-core violations."""
    return checks.check_accessibility


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: a full-page PNG named after the test and `name`."""
    return lambda page, name: checks.screenshot(page, f"{request.node.name}-{name}")
