"""The OpenAPI document states the catalog, translate, notify, numbers and staff routes
exactly: each body by its model with an example the model accepts, cross-field rules JSON
Schema can say, cursors whose pattern admits only places in the list, exact JSON types and
dates, the addresses the API takes, and links from each create answer to operations that
exist (services.gateway.routes.catalog_docs)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from services.gateway.app import create_app
from services.gateway.problems import ProblemDetailsException
from services.gateway.routes.api_forms import ApiRegistrationForm
from services.gateway.routes.catalog_docs import date_time_of
from services.gateway.routes.documents import REVISION_CURSOR, Withdrawal
from services.gateway.routes.notify import Subscription
from services.gateway.routes.numbers import NewBaseline
from services.gateway.routes.registration_examples import REGISTRATION
from services.gateway.routes.search import OFFSET_CURSOR, at_most
from services.gateway.routes.staff import AccountChange, NewAccount
from services.gateway.routes.translate import Draft, NewTranslation, Rejection
from services.gateway.settings import GatewaySettings
from shared.contracts.addresses import STATED_ADDRESS, mailable_address
from shared.contracts.catalog.editing import CHANGE_POSITION
from shared.contracts.catalog.materials import MaterialFields
from shared.contracts.catalog.rpc import DocumentChanges, DocumentDraft
from shared.contracts.notify.rpc import SubscriptionToken
from shared.contracts.translate.rpc import Glossary
from shared.settings import Settings
from tests.unit.test_gateway_openapi_registration import stated_object

pytestmark = pytest.mark.unit

BODIES: list[tuple[str, str, type[BaseModel]]] = [
    ("/v1/documents", "post", DocumentDraft),
    ("/v1/documents/{document_id}", "patch", DocumentChanges),
    ("/v1/documents/{document_id}/withdraw", "post", Withdrawal),
    ("/v1/sessions/{session_id}/materials", "post", MaterialFields),
    ("/v1/translations", "post", NewTranslation),
    ("/v1/translations/{job_id}/draft", "put", Draft),
    ("/v1/translations/{job_id}/reject", "post", Rejection),
    ("/v1/glossary", "put", Glossary),
    ("/v1/subscriptions", "post", Subscription),
    ("/v1/subscriptions/confirm", "post", SubscriptionToken),
    ("/v1/numbers/baselines", "post", NewBaseline),
    ("/v1/staff/accounts", "post", NewAccount),
    ("/v1/staff/accounts/{account_id}", "patch", AccountChange),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(Settings(), GatewaySettings())
    return app.openapi_schema.to_schema()


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


@pytest.mark.parametrize(("path", "method", "model"), BODIES)
def test_each_body_is_its_model_with_an_example_it_accepts(
        document: dict[str, Any], path: str, method: str, model: type[BaseModel]) -> None:
    request_body = operation(document, path, method)["requestBody"]
    body = request_body["content"]["application/json"]
    assert stated_object(request_body)["properties"].keys() == \
        model.model_json_schema()["properties"].keys()
    model.model_validate(body["example"])


def test_a_new_document_states_its_source_title_and_member_states(
        document: dict[str, Any]) -> None:
    schema = operation(document, "/v1/documents", "post")["requestBody"]["content"][
        "application/json"]["schema"]
    assert {"properties": {"source_language": {"const": "pt"},
                           "title": {"required": ["pt"]}}} in schema["anyOf"]
    countries = schema["properties"]["countries"]["anyOf"][0]["items"]["pattern"]
    assert re.fullmatch(countries, "cl") and not re.fullmatch(countries, "ES")


def test_create_answers_link_to_operations_that_exist(document: dict[str, Any]) -> None:
    ids = {op["operationId"] for item in document["paths"].values()
           for op in item.values() if isinstance(op, dict) and "operationId" in op}
    for path, method, status in [("/v1/documents", "post", "201"),
                                 ("/v1/sessions/{session_id}/materials", "post", "201"),
                                 ("/v1/translations", "post", "201"),
                                 ("/v1/documents/{document_id}/files", "post", "201")]:
        links = operation(document, path, method)["responses"][status]["links"]
        assert links and {link["operationId"] for link in links.values()} <= ids, path


def test_an_upload_requires_the_file_part(document: dict[str, Any]) -> None:
    body = operation(document, "/v1/documents/{document_id}/files", "post")["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"] and schema["properties"]["file"]["format"] == "binary"


def test_the_search_states_its_country_codes(document: dict[str, Any]) -> None:
    country = next(p for p in operation(document, "/v1/search", "get")["parameters"]
                   if p["name"] == "country")
    assert country["schema"]["oneOf"][0]["items"]["pattern"] == r"^[A-Za-z]{2}$"


@pytest.mark.parametrize("number", [0, 7, 10, 99, 100, 10_000, 12_345])
def test_at_most_matches_exactly_the_numbers_up_to_its_bound(number: int) -> None:
    pattern = f"^{at_most(number)}$"
    for candidate in range(number + 300):
        for written in (str(candidate), str(candidate).zfill(len(str(number)))):
            assert bool(re.fullmatch(pattern, written)) == (candidate <= number), written


def test_cursors_are_places_in_their_lists() -> None:
    assert re.fullmatch(OFFSET_CURSOR, "o10000") and not re.fullmatch(OFFSET_CURSOR, "o10001")
    assert not re.fullmatch(REVISION_CURSOR, "0") and re.fullmatch(REVISION_CURSOR, "12")
    assert re.fullmatch(CHANGE_POSITION, "0190a1b2c3d4:doc_1")


@pytest.mark.parametrize(("model", "field", "value"), [
    (NewBaseline, "as_of", 0), (NewBaseline, "as_of", "2025-12-31T00:00:00Z"),
    (NewBaseline, "value", "3"), (NewBaseline, "value", 3.5), (NewBaseline, "value", False),
    (AccountChange, "active", 0), (AccountChange, "active", "true"),
    (NewTranslation, "due_at", 1_780_000_000), (NewTranslation, "due_at", "2026-06-01T12:00Z"),
    (NewTranslation, "priority", "5"), (MaterialFields, "publish", 1),
])
def test_a_value_of_another_json_type_is_refused(model: type[BaseModel], field: str,
                                                 value: object) -> None:
    body = {"figure": "sessions_held", "value": 1, "source": "s", "as_of": "2025-12-31",
            "document_id": "d", "target_language": "pt", "kind": "recording",
            "source_language": "es", "title": {"es": "T"}, field: value}
    fields = model.model_json_schema()["properties"]
    with pytest.raises(ValidationError, match=field):
        model.model_validate({k: v for k, v in body.items() if k in fields}, strict=False)


def test_an_integer_may_be_written_as_json_schema_counts_them() -> None:
    body = {"figure": "sessions_held", "value": 3.0, "source": "s", "as_of": "2025-12-31"}
    assert NewBaseline.model_validate(body, strict=False).value == 3


def test_a_draft_names_segments_by_their_ids() -> None:
    Draft.model_validate({"segments": [{"id": "agenda.opening.slots.talk-2.title-3",
                                         "target": "x"}]})
    for bad in ("title", "title-0", "Title-1", "-1", "title-1 "):
        with pytest.raises(ValidationError):
            Draft.model_validate({"segments": [{"id": bad, "target": "x"}]})


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(address=st.from_regex(STATED_ADDRESS, fullmatch=True))
def test_every_address_the_pattern_states_can_be_mailed(address: str) -> None:
    assert mailable_address(address)


@pytest.mark.parametrize("address", ["ana@example.test", "ana@ab--cd.org", "ana@example.c0",
                                     "ana maria@example.org", "\tana@example.org", "ana@org",
                                     "josé@example.org"])
def test_the_api_refuses_an_address_outside_its_pattern(address: str) -> None:
    with pytest.raises(ValidationError, match="email"):
        Subscription.model_validate({"email": address, "language": "es"})
    Subscription.model_validate({"email": "lectora@bücher.example", "language": "es"})
    Subscription.model_validate({"email": "  ana@example.org ", "language": "es"})  # pasted


def test_the_api_registration_form_states_its_address_and_keeps_to_it() -> None:
    form = {**REGISTRATION, "email": "ana@example.test"}
    with pytest.raises(ValidationError, match="email"):
        ApiRegistrationForm.model_validate(form)
    assert ApiRegistrationForm.model_json_schema()["properties"]["email"]["pattern"] \
        == STATED_ADDRESS
    assert ApiRegistrationForm.model_validate(
        {**REGISTRATION, "email": " ANA@Example.org "}).email == "ANA@example.org"


@pytest.mark.parametrize("value", ["0.5", "2026-12-01T10:00:00", "2026-12-01",
                                   "2026-02-30T10:00:00Z"])
def test_a_due_date_query_that_is_no_zoned_date_time_is_a_422_naming_it(value: str) -> None:
    with pytest.raises(ProblemDetailsException) as refused:
        date_time_of(value, "due_before")
    assert refused.value.status_code == 422 and "due_before" in str(refused.value.extra)
    assert date_time_of("2026-12-01T10:00:00Z", "due_before") is not None
