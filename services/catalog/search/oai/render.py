"""OAI-PMH response documents built with ElementTree (so every text is escaped).

Escaping is not enough for characters XML 1.0 cannot hold at all (most C0 controls, U+FFFE,
U+FFFF): ElementTree writes them as they are and the answer is no longer XML. Requests with
them are refused (`protocol.checked_arguments`); any that still reach a text or an attribute,
from a stored document say, are written as U+FFFD."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final
from xml.etree import ElementTree as ET

from services.catalog.search.oai.protocol import (
    NOT_XML,
    OaiError,
    datestamp,
    identifier_of,
)

OAI: Final = "http://www.openarchives.org/OAI/2.0/"
OAI_DC: Final = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC: Final = "http://purl.org/dc/elements/1.1/"
XSI: Final = "http://www.w3.org/2001/XMLSchema-instance"
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
for _prefix, _uri in (("", OAI), ("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)):
    ET.register_namespace(_prefix, _uri)


def envelope(now: datetime, base_url: str, request_arguments: Mapping[str, str]) -> ET.Element:
    """The root with responseDate and request; callers append the verb's element."""
    root = ET.Element(f"{{{OAI}}}OAI-PMH", {
        f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"})
    sub(root, "responseDate", datestamp(now))
    sub(root, "request", base_url, dict(request_arguments))
    return root


def error_element(root: ET.Element, error: OaiError) -> None:
    sub(root, "error", error.message, {"code": error.code})


def sub(parent: ET.Element, tag: str, text: str | None = None,
        attributes: Mapping[str, str] | None = None) -> ET.Element:
    """A child in the OAI namespace."""
    element = ET.SubElement(parent, f"{{{OAI}}}{tag}", xml_attributes(attributes))
    if text is not None:
        element.text = xml_text(text)
    return element


def xml_text(text: str) -> str:
    """`text` with each character XML cannot carry replaced by U+FFFD."""
    return NOT_XML.sub("\ufffd", text)


def xml_attributes(attributes: Mapping[str, str] | None) -> dict[str, str]:
    return {name: xml_text(value) for name, value in (attributes or {}).items()}


def serialize(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def header(parent: ET.Element, document: Mapping[str, Any]) -> ET.Element:
    """`<header>` of a record; a withdrawn document's says it was deleted."""
    attributes = {"status": "deleted"} if document.get("status") == "withdrawn" else {}
    element = sub(parent, "header", None, attributes)
    sub(element, "identifier", identifier_of(str(document["_id"])))
    updated = document.get("updated_at")
    sub(element, "datestamp", datestamp(updated if isinstance(updated, datetime) else EPOCH))
    for spec in set_specs(document):
        sub(element, "setSpec", spec)
    return element


def set_specs(document: Mapping[str, Any]) -> list[str]:
    specs = [f"type:{document['type']}"] if document.get("type") else []
    return specs + [f"topic:{t}" for t in document.get("topics") or [] if isinstance(t, str)]


def record(parent: ET.Element, document: Mapping[str, Any], public_url: str) -> None:
    """`<record>`: the header, then Dublin Core metadata unless the document was withdrawn."""
    element = sub(parent, "record")
    header(element, document)
    if document.get("status") == "withdrawn":
        return
    metadata = sub(element, "metadata")
    dc = ET.SubElement(metadata, f"{{{OAI_DC}}}dc", {
        f"{{{XSI}}}schemaLocation": f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"})
    for name, element_name in (("title", "title"), ("summary", "description")):
        for language, text in _texts(document.get(name)).items():
            _dc(dc, element_name, text, language)
    for name, element_name in (("authors", "creator"), ("institutions", "publisher"),
                               ("topics", "subject"), ("countries", "coverage")):
        for value in document.get(name) or []:
            if isinstance(value, str):
                _dc(dc, element_name, value)
    _dc(dc, "type", str(document.get("type") or ""))
    if document.get("published_on"):
        _dc(dc, "date", str(document["published_on"])[:10])
    for language in _texts(document.get("title")):
        _dc(dc, "language", language)
    _dc(dc, "identifier", f"{public_url}/v1/documents/{document['_id']}")
    for file in document.get("files") or []:
        if isinstance(file, Mapping) and file.get("content_type"):
            _dc(dc, "format", str(file["content_type"]))


def _dc(parent: ET.Element, name: str, text: str, language: str | None = None) -> None:
    if text:
        element = ET.SubElement(parent, f"{{{DC}}}{name}",
                                xml_attributes({XML_LANG: language} if language else None))
        element.text = xml_text(text)


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and v.strip()}
