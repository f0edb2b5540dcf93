"""The OpenAPI document states the registration routes exactly: each body by its model with
an example the model accepts, ids and cursors by their pattern, strict date-times, and links
from each create answer to operations that exist (services.gateway.routes.openapi_docs)."""

from __future__ import annotations

import base64
import random
import re
from datetime import datetime
from typing import Any

import pytest
from pydantic import BaseModel

from services.gateway.app import create_app
from services.gateway.keys import _from_document
from services.gateway.pages import decode_cursor, encode_cursor
from services.gateway.problems import ProblemDetailsException
from services.gateway.routes.access import NewKey
from services.gateway.routes.openapi_docs import CURSOR_PATTERN, RFC3339, as_datetime
from services.gateway.routes.registration import Rejection
from services.gateway.settings import GatewaySettings
from shared.contracts.registration.certificates import CorrectName
from shared.contracts.registration.desk import InvitePeople
from shared.contracts.registration.gatherings import GatheringFields
from shared.contracts.registration.messages import MessageDraft
from shared.contracts.registration.rpc import (
    CancelByToken,
    CancelSession,
    ConfirmByToken,
    RecordAttendance,
    RegistrationAction,
    RegistrationForm,
    SessionFields,
)
from shared.settings import Settings

pytestmark = pytest.mark.unit

# (path, method, the model that parses the body, fields the path fills)
BODIES: list[tuple[str, str, type[BaseModel], dict[str, Any]]] = [
    ("/v1/sessions", "post", SessionFields, {}),
    ("/v1/sessions/{session_id}", "patch", SessionFields, {}),
    ("/v1/sessions/{session_id}/registrations", "post", RegistrationForm, {}),
    ("/v1/registrations/cancel", "post", CancelByToken, {}),
    ("/v1/registrations/confirm", "post", ConfirmByToken, {}),
    ("/v1/sessions/{session_id}/cancel", "post", CancelSession, {"session_id": "s"}),
    ("/v1/sessions/{session_id}/attendance", "post", RecordAttendance, {"session_id": "s"}),
    ("/v1/sessions/{session_id}/invitations", "post", InvitePeople, {}),
    ("/v1/sessions/{session_id}/messages", "post", MessageDraft, {}),
    ("/v1/registrations/{registration_id}/approve", "post", RegistrationAction,
     {"registration_id": "r"}),
    ("/v1/registrations/{registration_id}/reject", "post", Rejection, {}),
    ("/v1/registrations/{registration_id}/cancel", "post", RegistrationAction,
     {"registration_id": "r"}),
    ("/v1/registrations/{registration_id}/name", "post", CorrectName, {"registration_id": "r"}),
    ("/v1/events", "post", GatheringFields, {}),
    ("/v1/events/{event_id}", "patch", GatheringFields, {}),
    ("/v1/events/{event_id}/registrations", "post", RegistrationForm, {}),
    ("/v1/keys", "post", NewKey, {}),
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(Settings(), GatewaySettings())
    return app.openapi_schema.to_schema()


def stated_object(body: dict[str, Any]) -> dict[str, Any]:
    """The object a request body states; an optional body also admits JSON `null` (read as
    no body), and says so."""
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    if body.get("required"):
        return schema
    stated, null = schema["anyOf"]
    assert null == {"type": "null"}
    return stated  # type: ignore[no-any-return]


@pytest.mark.parametrize(("path", "method", "model", "from_path"), BODIES,
                         ids=[f"{m} {p}" for p, m, _, _ in BODIES])
def test_each_body_is_documented_by_its_model_with_an_example_it_accepts(
    document: dict[str, Any], path: str, method: str, model: type[BaseModel],
    from_path: dict[str, Any],
) -> None:
    body = document["paths"][path][method]["requestBody"]
    media = body["content"]["application/json"]
    schema = stated_object(body)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(model.model_fields) - set(from_path)
    model.model_validate({**media["example"], **from_path})  # raises if the example is not


def test_links_lead_from_each_create_answer_to_operations_in_the_document(
    document: dict[str, Any],
) -> None:
    operations = {op["operationId"] for item in document["paths"].values()
                  for op in item.values() if isinstance(op, dict) and "operationId" in op}
    links = {path: set(op["responses"]["201"].get("links", {}))
             for path, op in [(p, document["paths"][p]["post"]) for p in (
                 "/v1/sessions", "/v1/sessions/{session_id}/registrations", "/v1/keys",
                 "/v1/events")]}
    assert all(links.values()), links
    targets = {link["operationId"] for item in document["paths"].values()
               for op in item.values() if isinstance(op, dict)
               for response in op.get("responses", {}).values()
               for link in response.get("links", {}).values()}
    assert targets <= operations, targets - operations


@pytest.mark.parametrize(("path", "name"), [
    ("/v1/sessions/{session_id}", "session_id"),
    ("/v1/registrations/{registration_id}/approve", "registration_id"),
    ("/v1/keys/{key_id}", "key_id"),
    ("/v1/events/{event_id}", "event_id"),
])
def test_path_ids_state_their_pattern(document: dict[str, Any], path: str, name: str) -> None:
    operation = next(op for op in document["paths"][path].values() if isinstance(op, dict))
    parameter = next(p for p in operation["parameters"] if p["name"] == name)
    assert parameter["schema"]["pattern"].startswith("^")


@pytest.mark.parametrize("value", ["0.5", "2026-01-01", "2026-01-01T10:00:00", "1e9"])
def test_a_date_time_needs_its_date_time_and_zone(value: str) -> None:
    assert re.search(RFC3339, value) is None


def test_an_impossible_date_matching_the_pattern_is_a_422_naming_it() -> None:
    assert as_datetime("2026-01-01t10:00:00.5z", "to") is not None
    with pytest.raises(ProblemDetailsException) as refused:
        as_datetime("2026-02-30T10:00:00Z", "to")
    assert refused.value.status_code == 422
    assert refused.value.extra == {"errors": [{"field": "to", "message": "Not a date-time.",
                                               "source": "query"}]}


def test_every_cursor_the_pattern_allows_decodes_and_every_one_we_give_out_matches() -> None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    chance = random.Random(16)
    for _ in range(3000):
        cursor = "".join(chance.choice(alphabet) for _ in range(chance.randint(2, 12)))
        cursor += "=" * chance.choice([0, 0, 1, 2])
        if re.search(CURSOR_PATTERN, cursor):
            decode_cursor(cursor)  # raises if the document allowed a cursor we refuse
    for position in ["019a2b3c4d5e6f708192", "a", "ab", "abc", "~ |", "x" * 160]:
        assert re.search(CURSOR_PATTERN, encode_cursor(position) or "")
    assert re.search(CURSOR_PATTERN, "not-ours") is None
    padded = base64.urlsafe_b64encode(b'{"$gt": ""}').decode()  # padding is allowed
    assert re.search(CURSOR_PATTERN, padded) and decode_cursor(padded) == '{"$gt": ""}'


@pytest.mark.parametrize("stored", ["2026-12-03T16:34:59.251000", datetime(2026, 12, 3, 16, 34)])
def test_a_revoked_key_says_its_zone(stored: Any) -> None:
    key = _from_document({"key_id": "1a", "role": "admin", "name": "n",
                          "created_at": stored, "revoked_at": stored})
    assert key.revoked_at is not None and key.revoked_at.utcoffset() is not None
    assert key.created_at.utcoffset() is not None
