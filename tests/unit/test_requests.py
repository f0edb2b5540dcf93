"""Every service's RPC requests refuse unknown keys and keys shaped like MongoDB operators,
not only registration's: nothing of the kind may reach a query even by mistake."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts.catalog.rpc import ChangeDocument, GetDocument
from shared.contracts.catalog.search import SearchRequest
from shared.contracts.notify.rpc import ListDeliveries, Subscribe
from shared.contracts.registration.rpc import SessionRef
from shared.contracts.rpc import Request
from shared.contracts.translate.rpc import Glossary, ListJobs

SAMPLES: list[tuple[type[Request], dict[str, Any]]] = [
    (GetDocument, {"document_id": "doc_1"}),
    (ChangeDocument, {"document_id": "doc_1", "changes": {"title": {"es": "Guía"}}}),
    (ListJobs, {}),
    (Glossary, {"entries": [{"terms": {"es": "licitación", "en": "tender"}}]}),
    (Subscribe, {"email": "ana@example.org", "language": "es"}),
    (ListDeliveries, {}),
    (SearchRequest, {"q": "compras"}),
    (SessionRef, {"session_id": "s1"}),
]


def with_key(body: dict[str, Any], key: str) -> dict[str, Any]:
    """`body` with `key` added at the top and inside its first nested object, if any."""
    nested = next((k for k, v in body.items() if isinstance(v, dict)), None)
    if nested is None:
        return {**body, key: 1}
    return {**body, nested: {**body[nested], key: 1}}


@pytest.mark.parametrize(("model", "body"), SAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_a_request_as_sent_is_accepted(model: type[BaseModel], body: dict[str, Any]) -> None:
    assert model.model_validate(body)


@pytest.mark.parametrize("key", ["$where", "$set", "a.b"])
@pytest.mark.parametrize(("model", "body"), SAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_operator_shaped_keys_are_refused_at_any_depth(
        model: type[BaseModel], body: dict[str, Any], key: str) -> None:
    with pytest.raises(ValidationError, match="not allowed"):
        model.model_validate(with_key(body, key))


@pytest.mark.parametrize(("model", "body"), SAMPLES, ids=lambda v: getattr(v, "__name__", ""))
def test_unknown_keys_are_refused(model: type[BaseModel], body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        model.model_validate({**body, "surprise": 1})
