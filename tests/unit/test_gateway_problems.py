"""How errors become RFC 9457 problem documents (services.gateway.problems)."""

from __future__ import annotations

from typing import get_args

import pytest
from litestar.exceptions import (
    ClientException,
    InternalServerException,
    NotFoundException,
    SerializationException,
    ValidationException,
)

from services.gateway.problems import (
    GENERIC_5XX_DETAIL,
    RPC_STATUS,
    from_http_exception,
    from_rpc_failure,
    problem,
)
from shared.contracts.rpc import ErrorCode, RpcFailure

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("code", "status"), [
    ("invalid", 422), ("not_found", 404), ("conflict", 409), ("gone", 410),
    ("forbidden", 403), ("too_large", 413), ("unavailable", 503), ("internal", 500),
])
def test_each_rpc_error_code_has_its_status(code: ErrorCode, status: int) -> None:
    assert RPC_STATUS[code] == status
    assert from_rpc_failure(RpcFailure(code, "why")).status_code == status


def test_every_rpc_error_code_is_mapped() -> None:
    assert set(RPC_STATUS) == set(get_args(ErrorCode))


def test_a_service_refusal_keeps_its_message_and_details() -> None:
    exc = from_rpc_failure(RpcFailure("gone", "The session was cancelled.", {"session": "s1"}))
    assert exc.detail == "The session was cancelled."
    assert exc.type_ == "urn:dialogues:problem:gone"
    assert exc.extra == {"session": "s1"}


@pytest.mark.parametrize("code", ["internal", "unavailable"])
def test_a_service_failure_says_nothing_of_its_insides(code: ErrorCode) -> None:
    exc = from_rpc_failure(RpcFailure(code, "no reply on rpc.catalog.search within 2 s"))
    assert "rpc.catalog" not in exc.detail


def test_extensions_cannot_overwrite_the_standard_members() -> None:
    exc = problem(409, "Taken.", kind="conflict", extensions={"status": 200, "seat": 3})
    assert exc.extra == {"seat": 3}


def test_http_errors_get_a_title_and_a_useful_detail() -> None:
    exc = from_http_exception(NotFoundException())
    assert (exc.status_code, exc.title, exc.type_) == (404, "Not Found", "about:blank")
    assert exc.detail != "Not Found"


def test_validation_errors_are_listed_and_the_url_is_not_repeated() -> None:
    errors = [{"message": "Expected `int` >= 1", "key": "limit", "source": "query"}]
    exc = from_http_exception(ValidationException(
        detail="Validation failed for GET /v1/keys?token=abc", extra=errors
    ))
    assert exc.status_code == 400
    assert exc.extra == {"errors": [{"field": "limit", "message": "Expected `int` >= 1",
                                     "source": "query"}]}
    assert "token" not in exc.detail


def test_a_body_that_breaks_its_model_is_422_naming_each_field() -> None:
    """Litestar names no source for a body's fields: the answer is the same as parse_body's."""
    errors = [{"message": "Field required", "key": "email"},
              {"message": "String should have at least 2 characters", "key": "items.0.name"}]
    exc = from_http_exception(ValidationException(detail="Validation failed for POST /x",
                                                  extra=errors))
    assert exc.status_code == 422
    assert exc.extra == {"errors": [
        {"field": "email", "message": "Field required", "source": "body"},
        {"field": "items.0.name", "message": "String should have at least 2 characters",
         "source": "body"}]}


def test_an_undecodable_body_is_an_invalid_request() -> None:
    try:
        raise ClientException("Input data was truncated") from SerializationException("x")
    except ClientException as error:
        exc = from_http_exception(error)
    assert exc.type_ == "urn:dialogues:problem:invalid-request"
    assert exc.extra == {"errors": [{"message": "Input data was truncated", "source": "body"}]}


def test_a_5xx_http_error_hides_its_text() -> None:
    exc = from_http_exception(InternalServerException("stream consumed"))
    assert exc.detail == GENERIC_5XX_DETAIL


def test_a_refusal_naming_fields_reads_like_a_body_that_breaks_the_model() -> None:
    exc = from_rpc_failure(RpcFailure("invalid", "The slot overlaps.", {"errors": [
        {"loc": ["agenda", 1, "slots", 0, "starts_at"], "msg": "The slot overlaps."}]}))
    assert exc.extra == {"errors": [{"field": "agenda.1.slots.0.starts_at",
                                     "message": "The slot overlaps."}]}
