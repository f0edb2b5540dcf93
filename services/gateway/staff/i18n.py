"""The staff pages' texts: gettext domain `staff` in es, en, pt and fr.

The language is chosen as on the public site (`?lang=`, the `lang` cookie, `Accept-Language`,
Spanish: services.gateway.site.i18n.negotiate). Catalogs are
`locale/<lang>/LC_MESSAGES/staff.po` beside this file, compiled in memory at start; a message
they lack falls back to the site's catalogs, so the site's form macros read right here too.
"""

from __future__ import annotations

import contextvars
import io
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from services.gateway.site import i18n as site_i18n

DOMAIN: Final = "staff"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
LANGUAGES: Final = site_i18n.LANGUAGES


@cache
def translations(lang: str) -> NullTranslations:
    """The staff catalog of `lang`, falling back to the site's."""
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    staff = Translations(compiled, domain=DOMAIN)
    staff.add_fallback(site_i18n.translations(lang))
    return staff


_current: contextvars.ContextVar[NullTranslations | None] = contextvars.ContextVar(
    "staff_translations", default=None)
_UNTRANSLATED = NullTranslations()


def use(lang: str) -> None:
    """Make `lang` the language of what this task renders next."""
    _current.set(translations(lang))


def _translations() -> NullTranslations:
    return _current.get() or _UNTRANSLATED


def gettext(message: str) -> str:
    """`message` in the current language (`_()` and `{% trans %}` in staff templates)."""
    return _translations().ugettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The right plural form in the current language."""
    return _translations().ungettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A message whose meaning depends on `context`."""
    return _translations().upgettext(context, message)
