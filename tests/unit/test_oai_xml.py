"""OAI-PMH answers are well-formed XML whatever the request or the stored documents hold."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest

from services.catalog.search.oai import render
from services.catalog.search.oai.protocol import OaiError, checked_arguments

pytestmark = pytest.mark.unit

NOW = datetime(2030, 1, 1, tzinfo=UTC)
NOT_IN_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800"]


def parsed(root: ET.Element) -> ET.Element:
    return ET.fromstring(render.serialize(root).encode("utf-8"))  # noqa: S314  (our own output)


@pytest.mark.parametrize("char", NOT_IN_XML)
def test_an_argument_xml_cannot_carry_is_a_bad_argument(char: str) -> None:
    for arguments in ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", f"a{char}")],
                      [("verb", "Identify"), (f"x{char}", "1")]):
        with pytest.raises(OaiError) as refused:
            checked_arguments(arguments)
        assert refused.value.code == "badArgument"
    with pytest.raises(OaiError) as refused:
        checked_arguments([("verb", f"Identify{char}")])
    assert refused.value.code == "badVerb"


@pytest.mark.parametrize("char", NOT_IN_XML)
def test_every_text_and_attribute_is_written_as_xml_can_carry_it(char: str) -> None:
    root = render.envelope(NOW, f"https://x/oai{char}", {"set": f"type{char}:guide"})
    render.error_element(root, OaiError("badArgument", f"bad {char} value"))
    render.record(root, {"_id": f"d{char}1", "type": "guide", "status": "published",
                         "title": {"es": f"Título{char}"}, "authors": [f"Ana{char}"]},
                  "https://x")
    back = parsed(root)
    request = back.find(f"{{{render.OAI}}}request")
    assert request is not None and request.get("set") == "type\ufffd:guide"
    error = back.find(f"{{{render.OAI}}}error")
    assert error is not None and error.text == "bad \ufffd value"


def test_what_xml_allows_is_kept_as_it_was() -> None:
    text = "tab\tline\ncr\r ñ 漢 \U0001f600 \ufffd"
    root = render.envelope(NOW, "https://x/oai", {"set": text})
    render.error_element(root, OaiError("badArgument", text))
    back = parsed(root)
    error = back.find(f"{{{render.OAI}}}error")
    assert error is not None and error.text == text.replace("\r", "\n")  # XML's own newlines
