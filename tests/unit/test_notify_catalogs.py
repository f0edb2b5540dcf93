"""The mail catalogs: complete in es, pt and fr, placeholders kept, in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from services.notify.domain import texts
from services.notify.domain.strings import LOCALE

pytestmark = pytest.mark.unit
TRANSLATED = ("es", "pt", "fr")


def catalog(language: str | None) -> Catalog:
    path = LOCALE / "mail.pot" if language is None \
        else LOCALE / language / "LC_MESSAGES" / "mail.po"
    with path.open("rb") as source:
        return read_po(source, locale=language)


def texts_of(value: object) -> tuple[str, ...]:
    """A message's id or translation: one text, or a tuple of plural forms."""
    found = value if isinstance(value, tuple | list) else (value or "",)
    return tuple(str(text) for text in found)


def messages(of: Catalog) -> dict[str, Message]:
    """Messages by their (singular) id, the header left out."""
    return {texts_of(m.id)[0]: m for m in of if m.id}


def ids(message: Message) -> tuple[str, ...]:
    return texts_of(message.id)


def strings(message: Message) -> tuple[str, ...]:
    return texts_of(message.string)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def test_the_template_holds_exactly_the_texts_the_code_marks() -> None:
    source = Path(texts.__file__)
    marked = {found[1] if isinstance(found[1], str) else found[1][0]
              for found in extract_from_file("python", source,
                                             keywords={"N_": None, "NN_": (1, 2)})}
    assert set(messages(catalog(None))) == marked  # else: pybabel extract + update


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_each_catalog_has_every_message_of_the_template(language: str) -> None:
    assert set(messages(catalog(language))) == set(messages(catalog(None)))


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_keeps_its_placeholders(language: str) -> None:
    for msgid, message in messages(catalog(language)).items():
        assert not message.fuzzy, (language, msgid)
        wanted = set().union(*(placeholders(i) for i in ids(message)))
        for translation in strings(message):
            assert translation.strip(), (language, msgid)
            assert placeholders(translation) == wanted, (language, msgid, translation)
            assert "{" not in translation, (language, msgid)  # no leftover str.format field


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_babel_finds_no_format_error_in_the_catalog(language: str) -> None:
    assert [(m.id, errors) for m, errors in catalog(language).check()] == []


def test_english_leaves_the_source_text_as_it_is() -> None:
    for msgid, message in messages(catalog("en")).items():
        assert all(s in ("", *ids(message)) for s in strings(message)), msgid


def test_no_compiled_catalog_is_kept() -> None:
    assert list(LOCALE.rglob("*.mo")) == []  # compiled in memory at start
