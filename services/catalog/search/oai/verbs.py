"""The six OAI-PMH verbs: check the request, read MongoDB, render the XML answer.

These are the handlers of harvesting; `Harvest` is what they take (`bootstrap.py` builds it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
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
from services.catalog.search.store import SearchStore
from shared.clock import Clock
from shared.contracts.catalog.search import OaiRequest
from shared.reference import DOCUMENT_TYPES, TOPICS, label

PAGE_SIZE = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Harvest:
    """What the verbs use: the documents, where the repository is, who runs it, the clock."""

    store: SearchStore
    public_base_url: str
    admin_email: str
    clock: Clock

    @property
    def public_url(self) -> str:
        return self.public_base_url.rstrip("/")


async def answer_oai(harvest: Harvest, request: OaiRequest) -> str:
    """The response document; protocol errors are answered inside it, as OAI-PMH asks."""
    now = harvest.clock()
    try:
        verb, given = checked_arguments(request.arguments)
    except OaiError as error:
        root = render.envelope(now, request.base_url, {})  # no attributes after badVerb/Arg
        render.error_element(root, error)
        return render.serialize(root)
    root = render.envelope(now, request.base_url, {"verb": verb, **given})
    try:
        await VERBS[verb](harvest, root, given)
    except OaiError as error:
        for child in list(root)[2:]:
            root.remove(child)
        render.error_element(root, error)
    return render.serialize(root)


async def identify(harvest: Harvest, root: ET.Element, _: dict[str, str]) -> None:
    element = sub(root, "Identify")
    sub(element, "repositoryName", "INGP Virtual Dialogues knowledge repository")
    sub(element, "baseURL", harvest.public_url + "/oai")
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", harvest.admin_email)
    sub(element, "earliestDatestamp", datestamp(await harvest.store.earliest_update() or EPOCH))
    sub(element, "deletedRecord", "persistent")
    sub(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


async def list_metadata_formats(harvest: Harvest, root: ET.Element,
                                given: dict[str, str]) -> None:
    if "identifier" in given:
        await _document(harvest, given["identifier"])
    element = sub(sub(root, "ListMetadataFormats"), "metadataFormat")
    sub(element, "metadataPrefix", METADATA_PREFIX)
    sub(element, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    sub(element, "metadataNamespace", render.OAI_DC)


async def list_sets(_: Harvest, root: ET.Element, given: dict[str, str]) -> None:
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


async def list_identifiers(harvest: Harvest, root: ET.Element, given: dict[str, str]) -> None:
    await _list(harvest, root, given, records=False)


async def list_records(harvest: Harvest, root: ET.Element, given: dict[str, str]) -> None:
    await _list(harvest, root, given, records=True)


async def get_record(harvest: Harvest, root: ET.Element, given: dict[str, str]) -> None:
    document = await _document(harvest, given["identifier"])
    _check_prefix(given["metadataPrefix"])
    render.record(sub(root, "GetRecord"), document, harvest.public_url)


async def _list(harvest: Harvest, root: ET.Element, given: dict[str, str], *,
                records: bool) -> None:
    selection = selection_of(given)
    _check_prefix(selection.metadata_prefix)
    page = await harvest.store.harvest_page(selection, PAGE_SIZE + 1)
    if not page:
        raise OaiError("noRecordsMatch", "No records match this request.")
    element = sub(root, "ListRecords" if records else "ListIdentifiers")
    for document in page[:PAGE_SIZE]:
        if records:
            render.record(element, document, harvest.public_url)
        else:
            render.header(element, document)
    if len(page) > PAGE_SIZE:
        token = encode_token(selection, str(page[PAGE_SIZE - 1]["_id"]),
                             selection.cursor + PAGE_SIZE)
        sub(element, "resumptionToken", token, {"cursor": str(selection.cursor)})
    elif "resumptionToken" in given:  # the last page of a resumed list ends with an empty one
        sub(element, "resumptionToken", "", {"cursor": str(selection.cursor)})


async def _document(harvest: Harvest, identifier: str) -> dict[str, object]:
    document = await harvest.store.harvestable(document_id_of(identifier))
    if document is None:
        raise OaiError("idDoesNotExist", "This repository has no item with that identifier.")
    return document


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OaiError("cannotDisseminateFormat", f"Only {METADATA_PREFIX} is disseminated.")


VERBS = {"Identify": identify, "ListMetadataFormats": list_metadata_formats,
         "ListSets": list_sets, "ListIdentifiers": list_identifiers,
         "ListRecords": list_records, "GetRecord": get_record}
