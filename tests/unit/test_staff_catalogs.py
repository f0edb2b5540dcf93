"""The staff pages' gettext catalogs (domain `staff`): every message they use is translated
into es, pt and fr, with the same placeholders as the English text (as the site's are)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.gateway.staff import i18n

pytestmark = pytest.mark.unit

SITE = Path(i18n.__file__).parent  # the staff package
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                 "lstrip_blocks": "true"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_messages() -> set[str]:
    """Every message id the site's code and templates ask for (singular form of plurals)."""
    found = set()
    for _, _, message, _, _ in extract_from_dir(SITE, METHODS, options_map=OPTIONS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str) -> dict[str, list[str]]:
    """msgid -> its translations (one per plural form), over every domain of `lang`."""
    entries: dict[str, list[str]] = {}
    for po_file in (SITE / "locale" / lang / "LC_MESSAGES").glob("*.po"):
        with po_file.open("rb") as source:
            for message in read_po(source, locale=lang):
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                strings = message.string if isinstance(message.string, tuple | list) else [
                    message.string]
                entries[key] = list(strings)
    return entries


def test_the_pages_use_messages_at_all() -> None:
    assert len(used_messages()) > 30


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_every_message_is_translated(lang: str) -> None:
    entries = catalog(lang)
    missing = sorted(m for m in used_messages() if not all(entries.get(m) or [""]))
    assert not missing, f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    for msgid, strings in catalog(lang).items():
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, msgid, text)


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_a_message_in_several_domains_has_one_translation(lang: str) -> None:
    """Domains are merged into one catalog, so a message translated two ways would show one of
    them depending on the order of the files."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for po_file in sorted((SITE / "locale" / lang / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as source:
            for message in read_po(source, locale=lang):
                if not message.id or not isinstance(message.id, str):
                    continue
                earlier = seen.setdefault(message.id, (po_file.stem, [message.string]))
                assert earlier[1] == [message.string], (
                    f"{message.id!r}: {earlier[0]} and {po_file.stem} differ")


def test_english_catalog_lists_every_message() -> None:
    """Translators start from the English catalog; it must know every message too."""
    assert not sorted(used_messages() - catalog("en").keys())


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogs_compile(lang: str) -> None:
    i18n.translations.cache_clear()
    i18n.use(lang)
    assert i18n.gettext("Home") == {"es": "Inicio", "en": "Home", "pt": "Início",
                                    "fr": "Accueil"}[lang]
