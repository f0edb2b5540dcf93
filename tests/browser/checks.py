"""What a browser test checks on a page: console errors, accessibility, and screenshots."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import ConsoleMessage, Error, Page

from tests.support.up import ROOT

BLOCKING_IMPACTS = frozenset({"serious", "critical"})
"""Accessibility violations that fail a test; "minor" and "moderate" ones are returned."""

PageFactory = Callable[..., Page]
"""The `new_page` fixture: `new_page(**context_options)` opens a page in a fresh context."""

_errors: WeakKeyDictionary[Page, list[str]] = WeakKeyDictionary()
_axe = Axe()


def artifacts_dir() -> Path:
    """Where screenshots and reports go: BROWSER_ARTIFACTS, else build/browser-artifacts."""
    folder = Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / "build" / "browser-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_name(name: str) -> str:
    """`name` made safe as a file name."""
    return re.sub(r"[^\w.-]+", "-", name).strip("-") or "page"


def record_errors(page: Page) -> None:
    """From now on, keep the page's console errors and uncaught exceptions."""
    errors = _errors.setdefault(page, [])

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location
            errors.append(f"console: {message.text} ({where.get('url')}:"
                          f"{where.get('lineNumber')})")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught: {error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)


def page_errors(page: Page) -> list[str]:
    """The console errors and uncaught exceptions of `page` so far (CSP refusals included)."""
    return list(_errors.get(page, []))


def assert_no_console_errors(page: Page, allow: Iterable[str] = ()) -> None:
    """Fail listing the page's errors, except those matching one of the `allow` regexes."""
    allowed = [re.compile(pattern) for pattern in allow]
    errors = [e for e in page_errors(page) if not any(p.search(e) for p in allowed)]
    assert not errors, f"{len(errors)} console error(s) on {page.url}:\n" + "\n".join(errors)


def _describe(violation: dict[str, Any], nodes: int = 3) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:nodes]]
    more = len(violation["nodes"]) - nodes
    return (f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    at {'; '.join(targets)}{f' and {more} more' if more > 0 else ''}\n"
            f"    {violation['helpUrl']}")


def check_accessibility(page: Page, name: str) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; fail on any serious or critical violation.

    The full axe report of a failing page is written to `<artifacts>/<name>.axe.json`.
    Returns the lesser violations, for a test that wants to look at them.
    """
    violations: list[dict[str, Any]] = _axe.run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        report = artifacts_dir() / f"{file_name(name)}.axe.json"
        report.write_text(json.dumps(violations, indent=2))
        raise AssertionError(
            f"{name}: {len(blocking)} serious or critical accessibility violation(s) on "
            f"{page.url} (report: {report}):\n" + "\n".join(map(_describe, blocking)))
    return violations


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG of `page` in the artifacts folder, for a person to look at."""
    path = artifacts_dir() / f"{file_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
