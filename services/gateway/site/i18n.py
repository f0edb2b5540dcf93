"""The reader's language, and the gettext catalogs the pages are written with.

Language: `?lang=` first (a link from the switcher, which also sets the `lang` cookie), then
that cookie, then `Accept-Language`, then Spanish, the network's working language.

Catalogs: one gettext domain per group of pages (`locale/<lang>/LC_MESSAGES/<domain>.po`), so
that translators work with standard tools (Poedit, Weblate, `pybabel update`) and groups of
pages can be written apart. They are compiled in memory when the gateway starts (Babel's
`read_po`/`write_mo`); no compiled `.mo` is kept in the repository. Message ids are the English
text, so the English catalog may leave `msgstr` empty.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: Final = ("es", "en", "pt", "fr")
DEFAULT: Final = "es"
COOKIE: Final = "lang"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
ENDONYMS: Final[Mapping[str, str]] = {
    "es": "Español", "en": "English", "pt": "Português", "fr": "Français"}
"""Each language named in itself, as a switcher should (W3C i18n)."""


def from_accept_language(header: str) -> str | None:
    """The supported language the reader's browser ranks highest (`q` weights honoured)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language to answer in, by the order the module docstring gives."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return from_accept_language(accept_language or "") or DEFAULT


def _compile(po_file: Path, lang: str) -> Translations:
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=lang, domain=po_file.stem)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=po_file.stem)


@cache
def translations(lang: str) -> NullTranslations:
    """Every domain of `lang` merged into one, compiled on first use."""
    merged: Translations | None = None
    for po_file in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        compiled = _compile(po_file, lang)
        merged = compiled if merged is None else merged.merge(compiled)
    return merged if merged is not None else NullTranslations()


_current: contextvars.ContextVar[NullTranslations | None] = contextvars.ContextVar(
    "site_translations", default=None)
_UNTRANSLATED = NullTranslations()


def _translations() -> NullTranslations:
    return _current.get() or _UNTRANSLATED


def use(lang: str) -> None:
    """Make `lang` the language of what this task renders next."""
    _current.set(translations(lang))


def gettext(message: str) -> str:
    """`message` in the current language (Jinja's `_()` and `{% trans %}` come here)."""
    return _translations().ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The right plural form of a message in the current language."""
    return _translations().ungettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A message whose meaning depends on `context` (e.g. a short label)."""
    return _translations().upgettext(context, message)
