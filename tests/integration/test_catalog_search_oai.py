"""OAI-PMH 2.0 at `/oai` through the gateway, against documents kept in real MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest

from services.gateway.app import create_app
from services.gateway.settings import GatewaySettings
from shared.service import start_service
from shared.settings import Settings
from tests.integration.search_support import ADMIN_EMAIL, SEARCH_SIDE, document
from tests.support import assert_problem, serving

pytestmark = pytest.mark.integration

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/"}
ID = "oai:ingp.oas.org:"
EARLIER = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
async def search_side(settings: Settings, catalog_db: Any) -> AsyncIterator[Any]:
    documents = [document(f"d{n:03d}", title={"es": f"Documento {n}", "en": f"Document {n}"},
                          type="guide" if n % 2 else "study",
                          topics=["open_data"] if n < 5 else [],
                          updated_at=EARLIER + timedelta(days=n)) for n in range(150)]
    documents += [
        document("w-1", status="withdrawn", title={"es": "Retirado"}, updated_at=EARLIER),
        document("x-draft", status="draft", title={"es": "Borrador"}, updated_at=EARLIER),
    ]
    documents[1].update(authors=["Autor Uno"], institutions=["OEA"], countries=["CL"],
                        summary={"es": "Resumen <con> & signos"},
                        files=[{"file_id": "f", "name": "a.pdf", "content_type": "application/pdf",
                                "size": 3, "sha256": "00"}])
    await catalog_db["documents"].insert_many(documents)
    service = await start_service(SEARCH_SIDE, settings)
    yield service
    await service.stop()


async def oai(client: httpx.AsyncClient, **params: str) -> ET.Element:
    response = await client.get("/oai", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    root = parse(response.content)
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
    assert root.find("o:responseDate", NS) is not None
    return root


def parse(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314  (our own gateway's answer, in a test)


def error_code(root: ET.Element) -> str | None:
    error = root.find("o:error", NS)
    return None if error is None else error.get("code")


async def test_identify_and_formats(search_http: httpx.AsyncClient) -> None:
    root = await oai(search_http, verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify is not None
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:earliestDatestamp", namespaces=NS) == "2024-01-02T03:04:05Z"
    assert identify.findtext("o:baseURL", namespaces=NS, default="").endswith("/oai")
    assert identify.findtext("o:adminEmail", namespaces=NS) == ADMIN_EMAIL
    request = root.find("o:request", NS)
    assert request is not None and request.get("verb") == "Identify"
    formats = await oai(search_http, verb="ListMetadataFormats", identifier=ID + "d001")
    assert formats.findtext(".//o:metadataPrefix", namespaces=NS) == "oai_dc"
    sets = await oai(search_http, verb="ListSets")
    specs = {e.text for e in sets.iterfind(".//o:setSpec", NS)}
    assert {"topic", "type", "topic:open_data", "type:guide"} <= specs


async def test_list_records_walks_resumption_tokens(search_http: httpx.AsyncClient) -> None:
    root = await oai(search_http, verb="ListRecords", metadataPrefix="oai_dc")
    identifiers: list[str] = []
    while True:
        identifiers += [e.text or "" for e in root.iterfind(".//o:header/o:identifier", NS)]
        token = root.find(".//o:resumptionToken", NS)
        if token is None or not token.text:
            break
        root = await oai(search_http, verb="ListRecords", resumptionToken=token.text)
    assert len(identifiers) == 151 and len(set(identifiers)) == 151
    assert ID + "x-draft" not in identifiers


async def test_get_record_in_dublin_core(search_http: httpx.AsyncClient) -> None:
    root = await oai(search_http, verb="GetRecord", identifier=ID + "d001", metadataPrefix="oai_dc")
    dc = root.find(".//oai_dc:dc", NS)
    assert dc is not None
    titles = {e.get("{http://www.w3.org/XML/1998/namespace}lang"): e.text
              for e in dc.iterfind("dc:title", NS)}
    assert titles == {"es": "Documento 1", "en": "Document 1"}
    assert dc.findtext("dc:description", namespaces=NS) == "Resumen <con> & signos"
    assert dc.findtext("dc:creator", namespaces=NS) == "Autor Uno"
    assert dc.findtext("dc:format", namespaces=NS) == "application/pdf"
    assert dc.findtext("dc:date", namespaces=NS) == "2021-05-04"
    header = root.find(".//o:header", NS)
    assert header is not None
    assert header.findtext("o:datestamp", namespaces=NS) == "2024-01-03T03:04:05Z"
    assert {e.text for e in header.iterfind("o:setSpec", NS)} == {"type:guide", "topic:open_data"}


async def test_withdrawn_documents_are_deleted_records(search_http: httpx.AsyncClient) -> None:
    root = await oai(search_http, verb="GetRecord", identifier=ID + "w-1", metadataPrefix="oai_dc")
    header = root.find(".//o:header", NS)
    assert header is not None and header.get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None


@pytest.mark.parametrize(("params", "expected"), [
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:open_data"}, 5),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic"}, 5),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-01-02",
      "until": "2024-01-03"}, 3),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-01-03T03:04:05Z",
      "until": "2024-01-04T03:04:05Z"}, 2),
])
async def test_selective_harvesting(search_http: httpx.AsyncClient,
                                    params: dict[str, str], expected: int) -> None:
    root = await oai(search_http, **params)
    assert error_code(root) is None
    assert len(root.findall(".//o:header", NS)) == expected


@pytest.mark.parametrize(("params", "code"), [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01",
      "until": "2024-01-01T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": ID + "nope", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": ID + "x-draft", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": "urn:other", "metadataPrefix": "oai_dc"},
     "idDoesNotExist"),
    ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
     "badArgument"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:msmes"},
     "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2999-01-01"},
     "noRecordsMatch"),
])
async def test_protocol_errors(search_http: httpx.AsyncClient,
                               params: dict[str, str], code: str) -> None:
    root = await oai(search_http, **params)
    assert error_code(root) == code


async def test_repeated_arguments_and_post(search_http: httpx.AsyncClient) -> None:
    response = await search_http.get("/oai?verb=Identify&verb=Identify")
    assert error_code(parse(response.content)) == "badVerb"
    response = await search_http.get(
        "/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    assert error_code(parse(response.content)) == "badArgument"
    posted = await search_http.post("/oai", data={"verb": "Identify"})
    assert posted.status_code == 200
    assert parse(posted.content).find("o:Identify", NS) is not None


@pytest.mark.parametrize("query", [
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:ingp.oas.org:d001%01",
    "verb=ListRecords&metadataPrefix=oai_dc&set=type:guide%0B",
    "verb=ListIdentifiers&metadataPrefix=oai_dc%00",
    "verb=Identify&x%1F=1",
    "verb=Identify%08",
    "verb=ListSets&resumptionToken=%EF%BF%BE",
])
async def test_control_characters_in_a_request_never_break_the_xml(
        search_http: httpx.AsyncClient, query: str) -> None:
    for response in (await search_http.get(f"/oai?{query}"),
                     await search_http.post("/oai", content=query.encode(), headers={
                         "Content-Type": "application/x-www-form-urlencoded"})):
        assert response.status_code == 200, response.text
        root = parse(response.content)  # well-formed, or this raises
        assert error_code(root) in ("badArgument", "badVerb")
        request = root.find("o:request", NS)
        assert request is not None and dict(request.attrib) == {}


async def test_without_the_catalog_the_answer_is_503(
    settings: Settings, roomy_gateway_settings: GatewaySettings,
) -> None:
    async with serving(create_app(settings, roomy_gateway_settings)) as client:
        response = await client.get("/oai", params={"verb": "Identify"})
    assert_problem(response, 503)
