"""The six OAI-PMH verbs: check the request, read MongoDB, render the XML answer."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr
from xml.etree import ElementTree as ET

from services.catalog.search.oai import render
from services.catalog.search.oai.protocol import (
    METADATA_PREFIX,
    OaiError,
    checked_arguments,
    datestamp,
    document_id_of,
    encode_token,
    selection_of,
)
from services.catalog.search.oai.render import sub
from services.catalog.search.oai.store import earliest_update, harvest_page, harvestable
from shared.contracts.search import OaiRequest
from shared.reference import DOCUMENT_TYPES, TOPICS, label
from shared.service import Runtime

PAGE_SIZE = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def answer_oai(runtime: Runtime, request: OaiRequest, now: datetime) -> str:
    """The response document; protocol errors are answered inside it, as OAI-PMH asks."""
    try:
        verb, given = checked_arguments(request.arguments)
    except OaiError as error:
        root = render.envelope(now, request.base_url, {})  # no attributes after badVerb/Arg
        render.error_element(root, error)
        return render.serialize(root)
    root = render.envelope(now, request.base_url, {"verb": verb, **given})
    try:
        await VERBS[verb](runtime, root, given)
    except OaiError as error:
        for child in list(root)[2:]:
            root.remove(child)
        render.error_element(root, error)
    return render.serialize(root)


async def identify(runtime: Runtime, root: ET.Element, _: dict[str, str]) -> None:
    element = sub(root, "Identify")
    sub(element, "repositoryName", "INGP Virtual Dialogues knowledge repository")
    sub(element, "baseURL", runtime.settings.public_base_url.rstrip("/") + "/oai")
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", parseaddr(runtime.settings.smtp_from)[1] or "dialogues@ingp.invalid")
    sub(element, "earliestDatestamp", datestamp(await earliest_update(runtime.db) or EPOCH))
    sub(element, "deletedRecord", "persistent")
    sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


async def list_metadata_formats(runtime: Runtime, root: ET.Element,
                                given: dict[str, str]) -> None:
    if "identifier" in given:
        await _document(runtime, given["identifier"])
    element = sub(sub(root, "ListMetadataFormats"), "metadataFormat")
    sub(element, "metadataPrefix", METADATA_PREFIX)
    sub(element, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    sub(element, "metadataNamespace", render.OAI_DC)


async def list_sets(_: Runtime, root: ET.Element, given: dict[str, str]) -> None:
    if "resumptionToken" in given:
        raise OaiError("badResumptionToken", "ListSets answers in one response.")
    element = sub(root, "ListSets")
    sets = [("type", "Document types"), ("topic", "Topics")]
    sets += [(f"type:{t.code}", label("document_types", t.code, "en")) for t in DOCUMENT_TYPES]
    sets += [(f"topic:{t.code}", label("topics", t.code, "en")) for t in TOPICS]
    for spec, name in sets:
        entry = sub(element, "set")
        sub(entry, "setSpec", spec)
        sub(entry, "setName", name)


async def list_identifiers(runtime: Runtime, root: ET.Element, given: dict[str, str]) -> None:
    await _list(runtime, root, given, records=False)


async def list_records(runtime: Runtime, root: ET.Element, given: dict[str, str]) -> None:
    await _list(runtime, root, given, records=True)


async def get_record(runtime: Runtime, root: ET.Element, given: dict[str, str]) -> None:
    document = await _document(runtime, given["identifier"])
    _check_prefix(given["metadataPrefix"])
    render.record(sub(root, "GetRecord"), document, _public_url(runtime))


async def _list(runtime: Runtime, root: ET.Element, given: dict[str, str], *,
                records: bool) -> None:
    selection = selection_of(given)
    _check_prefix(selection.metadata_prefix)
    page = await harvest_page(runtime.db, selection, PAGE_SIZE + 1)
    if not page:
        raise OaiError("noRecordsMatch", "No records match this request.")
    element = sub(root, "ListRecords" if records else "ListIdentifiers")
    for document in page[:PAGE_SIZE]:
        if records:
            render.record(element, document, _public_url(runtime))
        else:
            render.header(element, document)
    if len(page) > PAGE_SIZE:
        token = encode_token(selection, str(page[PAGE_SIZE - 1]["_id"]),
                             selection.cursor + PAGE_SIZE)
        sub(element, "resumptionToken", token, {"cursor": str(selection.cursor)})
    elif "resumptionToken" in given:  # the last page of a resumed list ends with an empty one
        sub(element, "resumptionToken", "", {"cursor": str(selection.cursor)})


async def _document(runtime: Runtime, identifier: str) -> dict[str, object]:
    document = await harvestable(runtime.db, document_id_of(identifier))
    if document is None:
        raise OaiError("idDoesNotExist", "This repository has no item with that identifier.")
    return document


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Only {METADATA_PREFIX} is disseminated.")


def _public_url(runtime: Runtime) -> str:
    return runtime.settings.public_base_url.rstrip("/")


VERBS = {"Identify": identify, "ListMetadataFormats": list_metadata_formats,
         "ListSets": list_sets, "ListIdentifiers": list_identifiers,
         "ListRecords": list_records, "GetRecord": get_record}
