"""The gettext catalogs of the pages people read: the public site (one domain per group of
pages) and the staff pages (domain `staff`). Every message the code and templates use is
translated into es, pt and fr with the same placeholders as the English text."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.gateway.site import i18n as site_i18n
from services.gateway.staff import i18n as staff_i18n

pytestmark = pytest.mark.unit

PACKAGES = {"site": (site_i18n, 40), "staff": (staff_i18n, 30)}
"""Each package of pages: its i18n module and at least how many messages it uses."""
TRANSLATED = ["es", "pt", "fr"]
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                                 "lstrip_blocks": "true"}}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def folder(package: str) -> Path:
    return Path(PACKAGES[package][0].__file__ or "").parent


def used_messages(package: str) -> set[str]:
    """Every message id the package's code and templates ask for (singular of plurals)."""
    found = set()
    for _, _, message, _, _ in extract_from_dir(folder(package), METHODS,
                                                options_map=OPTIONS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(package: str, lang: str) -> dict[str, list[str]]:
    """msgid -> its translations (one per plural form), over every domain of `lang`."""
    entries: dict[str, list[str]] = {}
    for po_file in (folder(package) / "locale" / lang / "LC_MESSAGES").glob("*.po"):
        with po_file.open("rb") as source:
            for message in read_po(source, locale=lang):
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else message.id[0]
                strings = message.string if isinstance(message.string, tuple | list) else [
                    message.string]
                entries[key] = list(strings)
    return entries


@pytest.mark.parametrize("package", PACKAGES)
def test_the_pages_use_messages_at_all(package: str) -> None:
    assert len(used_messages(package)) > PACKAGES[package][1]


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(package: str, lang: str) -> None:
    entries = catalog(package, lang)
    missing = sorted(m for m in used_messages(package) if not all(entries.get(m) or [""]))
    assert not missing, f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(package: str, lang: str) -> None:
    for msgid, strings in catalog(package, lang).items():
        wanted = set(PLACEHOLDER.findall(msgid))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (lang, msgid, text)


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_message_in_several_domains_has_one_translation(package: str, lang: str) -> None:
    """Domains are merged into one catalog, so a message translated two ways would show one of
    them depending on the order of the files."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for po_file in sorted((folder(package) / "locale" / lang / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as source:
            for message in read_po(source, locale=lang):
                if not message.id or not isinstance(message.id, str):
                    continue
                earlier = seen.setdefault(message.id, (po_file.stem, [message.string]))
                assert earlier[1] == [message.string], (
                    f"{message.id!r}: {earlier[0]} and {po_file.stem} differ")


@pytest.mark.parametrize("package", PACKAGES)
def test_english_catalog_lists_every_message(package: str) -> None:
    """Translators start from the English catalog; it must know every message too."""
    assert not sorted(used_messages(package) - catalog(package, "en").keys())


@pytest.mark.parametrize("package", PACKAGES)
@pytest.mark.parametrize("lang", site_i18n.LANGUAGES)
def test_catalogs_compile(package: str, lang: str) -> None:
    i18n: ModuleType = PACKAGES[package][0]
    i18n.translations.cache_clear()
    i18n.use(lang)
    assert i18n.gettext("Home") == {"es": "Inicio", "en": "Home", "pt": "Início",
                                    "fr": "Accueil"}[lang]
