"""The Jinja2 environment of the pages: autoescaped, with gettext from the site's catalogs."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.gateway.site import i18n

TEMPLATES = Path(__file__).parent / "templates"


def environment() -> Environment:
    """Templates escape every value (text typed by participants or editors included)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"], trim_blocks=True,
        lstrip_blocks=True, auto_reload=False)
    # Newstyle gettext: translations are escaped and `%(name)s` placeholders filled safely.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    return env
