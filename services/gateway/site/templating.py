"""The Jinja2 environment of the pages: autoescaped, with gettext from the site's catalogs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from jinja2.utils import missing

from services.gateway.site import i18n

TEMPLATES = Path(__file__).parent / "templates"


class UnknownNamesFail(Undefined):
    """A name the handler never passed is a bug and fails the page (a test then sees it);
    a missing key of a value that exists (`errors.email`, `speaker.role`) is just empty.

    Jinja's default stays silent about both: a misspelt list of choices once rendered an
    empty required radio group that no one could submit.
    """

    def _unknown_name(self) -> bool:
        return self._undefined_obj is missing

    def __str__(self) -> str:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return ""

    def __iter__(self) -> Iterator[Any]:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return iter(())

    def __bool__(self) -> bool:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return False

    def __len__(self) -> int:
        if self._unknown_name():
            self._fail_with_undefined_error()
        return 0


def environment() -> Environment:
    """Templates escape every value (text typed by participants or editors included)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"], undefined=UnknownNamesFail, trim_blocks=True,
        lstrip_blocks=True, auto_reload=False)
    # Newstyle gettext: translations are escaped and `%(name)s` placeholders filled safely.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    return env
