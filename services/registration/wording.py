"""The gettext catalogs of what registration words for people (calendar entries,
certificates): `locale/<lang>/LC_MESSAGES/<domain>.po`, English message ids, compiled in memory
on first use, as notify and the site do, so no `.mo` file is generated or committed."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE = Path(__file__).resolve().parent / "locale"


@cache
def translations(domain: str, language: str) -> Translations:
    """The `domain` catalog of `language`, compiled once per process."""
    with (LOCALE / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as source:
        messages = read_po(source, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled, domain=domain)
