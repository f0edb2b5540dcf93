"""The mail texts in es, en, pt and fr from gettext catalogs; dates and numbers from CLDR.

Catalogs: `services/notify/locale/<lang>/LC_MESSAGES/mail.po`, message ids in English (see
`texts.py`), compiled in memory when notify starts (Babel's `read_po`/`write_mo`), so no `.mo`
is kept in the repository and translators work with standard tools. Dates, hours, UTC offsets
and numbers are written by Babel in each language's own way: nothing here names a month.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_interval, format_skeleton, get_timezone_gmt
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from services.notify.domain.texts import DEADLINE, WHEN, WHEN_OVER_DAYS, Plural
from shared.reference import LanguageCode

LANGUAGES: tuple[LanguageCode, ...] = ("es", "en", "pt", "fr")
LOCALE = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "mail"
Value = str | int | float


def compile_catalog(po_file: Path, language: LanguageCode) -> Translations:
    """One `.po` file, compiled in memory."""
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


class Strings:
    """Texts by language: `t` and `n` translate an English message id and fill it in."""

    def __init__(self, catalogs: Mapping[LanguageCode, NullTranslations]) -> None:
        self.catalogs = catalogs

    @classmethod
    def load(cls, folder: Path = LOCALE) -> Strings:
        """The catalogs shipped in `locale/<lang>/LC_MESSAGES/mail.po`."""
        return cls({lang: compile_catalog(folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po", lang)
                    for lang in LANGUAGES})

    def t(self, language: LanguageCode, message: str, **values: Value) -> str:
        """`message` in `language`, its `%(placeholders)s` filled (numbers the CLDR way)."""
        text = self.catalogs[language].gettext(message)
        return text % self._formatted(language, values) if values else text

    def n(self, language: LanguageCode, message: Plural, count: int, **values: Value) -> str:
        """The form of `message` for `count` in `language`; `%(count)s` is the number."""
        text = self.catalogs[language].ngettext(message.singular, message.plural, count)
        return text % self._formatted(language, {"count": count, **values})

    @staticmethod
    def _formatted(language: LanguageCode, values: Mapping[str, Value]) -> dict[str, str]:
        # bool is an int too, but never a number a person reads
        return {name: format_decimal(value, locale=language)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else str(value) for name, value in values.items()}

    def when(self, language: LanguageCode, starts: datetime, ends: datetime, zone: str) -> str:
        """`lunes, 1 de julio de 2030, 9:00–10:30 (America/Bogota, GMT-05:00)`: in the
        session's zone, which is named, with its offset, for readers elsewhere."""
        tz, zone = session_zone(zone)
        start, end = starts.astimezone(tz), ends.astimezone(tz)
        offset = get_timezone_gmt(start, width="long", locale=language)
        if start.date() == end.date():
            return self.t(language, WHEN, date=format_date(start, "full", locale=language),
                          hours=format_interval(start, end, "Hm", tzinfo=tz, locale=language),
                          zone=zone, offset=offset)
        return self.t(language, WHEN_OVER_DAYS, start=moment(start, tz, language),
                      end=moment(end, tz, language), zone=zone, offset=offset)


    def deadline(self, language: LanguageCode, at: datetime, zone: str) -> str:
        """`lunes, 1 de julio de 2030, 9:00 (America/Bogota, GMT-05:00)`: a moment in the
        session's zone, named with its offset."""
        tz, zone = session_zone(zone)
        local = at.astimezone(tz)
        return self.t(language, DEADLINE, moment=moment(local, tz, language), zone=zone,
                      offset=get_timezone_gmt(local, width="long", locale=language))


def session_zone(name: str) -> tuple[tzinfo, str]:
    """The session's zone and its name; UTC if the name is unknown (it must not cost the
    mail)."""
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC"), "UTC"


def moment(at: datetime, tz: tzinfo, language: LanguageCode) -> str:
    """A day and an hour, for spans over several days."""
    return (f"{format_date(at, 'full', locale=language)}, "
            f"{format_skeleton('Hm', at, tzinfo=tz, locale=language)}")
