"""Every error answer is an RFC 9457 problem document (`application/problem+json`).

Rules kept here in one place:
- `type` is `about:blank` when the status code says it all (RFC 9457, 4.2.1), and a
  `urn:dialogues:problem:<name>` when the answer carries extension members a client may read
  (`errors`, `unavailable`).
- `title` is the status phrase; `detail` explains this occurrence to a person.
- A 5xx never shows what went wrong inside: exception text and traces go to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Final, TypeVar

from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from pydantic import BaseModel, Field, ValidationError
from pymongo.errors import ConnectionFailure

from services.gateway.admission import Overloaded
from shared.contracts.rpc import ErrorCode, RpcFailure

ModelT = TypeVar("ModelT", bound=BaseModel)

log = logging.getLogger(__name__)

PROBLEM_JSON: Final = "application/problem+json"
GENERIC_5XX_DETAIL: Final = "The gateway could not answer this request. It has been logged."
_RESERVED: Final = frozenset({"type", "title", "status", "detail", "instance"})

RPC_STATUS: Final[Mapping[ErrorCode, int]] = {
    "invalid": 422, "not_found": 404, "conflict": 409, "gone": 410,
    "forbidden": 403, "too_large": 413, "unavailable": 503, "internal": 500,
}

# When an exception brings nothing but its status phrase, say something more useful.
_DEFAULT_DETAIL: Final[Mapping[int, str]] = {
    400: "The request could not be understood.",
    401: "This route needs an API key (Authorization: Bearer <key> or X-API-Key).",
    403: "The API key is valid but its role may not do this.",
    404: "Nothing is found at this address.",
    405: "This address does not accept this method.",
    413: "The request body is larger than the gateway accepts.",
    429: "Too many requests from this client; wait as Retry-After says.",
}


class Problem(BaseModel):
    """An RFC 9457 problem document, as documented in the OpenAPI schema."""

    type: str = Field("about:blank", description="URI naming the kind of problem.")
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str = Field(description="What went wrong this time, for a person.")
    instance: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        None, description="Which parts of the request were invalid (400, 422)."
    )
    unavailable: list[str] | None = Field(
        None, description="Services that did not answer (503 from /health/ready)."
    )


def problem_type(name: str) -> str:
    """The `type` URI of a problem kind this API defines."""
    return f"urn:dialogues:problem:{name}"


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    headers: dict[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> ProblemDetailsException:
    """A problem to raise from a handler or guard; `kind` names a type with extensions."""
    extra = {k: v for k, v in (extensions or {}).items() if k not in _RESERVED}
    return ProblemDetailsException(
        status_code=status, title=HTTPStatus(status).phrase, detail=detail, headers=headers,
        type_=problem_type(kind) if kind else "about:blank", extra=extra or None,
    )


def from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    """Litestar's own errors (404, 405, 413, validation...) as problems."""
    status = exc.status_code
    if status >= 500:
        log.error("server error", exc_info=exc)
        return problem(status, GENERIC_5XX_DETAIL, headers=exc.headers)
    if isinstance(exc.__cause__, SerializationException):
        # Litestar re-raises a body it cannot decode as a bare 400 with the decoder's message.
        return problem(status, "The request body could not be decoded (malformed JSON?).",
                       kind="invalid-request", headers=exc.headers,
                       extensions={"errors": [{"message": exc.detail, "source": "body"}]})
    if isinstance(exc, ValidationException) or isinstance(exc.extra, list):
        # Litestar's validation detail repeats the URL, query string included; say it plainly.
        errors = [invalid_field(item) for item in exc.extra or [] if isinstance(item, dict)]
        if status == 400 and errors and all(e["source"] == "body" for e in errors):
            status = 422  # a well-formed body that breaks the contract, as `parse_body` says
        return problem(status, "The request is not valid; `errors` says where.",
                       kind="invalid-request", headers=exc.headers, extensions={"errors": errors})
    detail = exc.detail
    if detail == HTTPStatus(status).phrase:
        detail = _DEFAULT_DETAIL.get(status, detail)
    return problem(status, detail, headers=exc.headers, extensions=exc.extra)


def invalid_field(item: Mapping[str, Any]) -> dict[str, str]:
    """One of Litestar's validation errors in the shape every route answers: the field, what is
    wrong with it, and where it was (`body` when Litestar names no parameter source)."""
    source = item.get("source") or "body"
    # Litestar names the source with its ParamType enum, whose str() is "ParamType.PATH".
    return {"field": str(item.get("key") or "body"), "message": str(item.get("message", "")),
            "source": str(getattr(source, "value", source))}


def parse_body(model: type[ModelT], data: Any, **extra: Any) -> ModelT:
    """Validate a JSON body with `model` (with `extra` fields from the path): 422 naming each
    bad field otherwise, the same answer Litestar's typed bodies give (`from_http_exception`).
    For routes whose request merges path parameters into the body's model."""
    if not isinstance(data, dict):
        raise problem(422, "The body must be a JSON object.", kind="invalid-request",
                      extensions={"errors": [{"field": "body", "message": "not an object",
                                              "source": "body"}]})
    try:
        return model.model_validate({**extra, **data} if extra else data)
    except ValidationError as error:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"],
                   "source": "body"}
                  for e in error.errors(include_url=False, include_input=False)]
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": errors}) from None


def from_undecodable_body(exc: UnicodeDecodeError) -> ProblemDetailsException:
    """A body that is not UTF-8: Litestar's JSON decoding lets this escape as a bare 500."""
    return problem(400, "The request body is not valid UTF-8.", kind="invalid-request",
                   extensions={"errors": [{"message": exc.reason, "source": "body"}]})


def from_database_outage(exc: ConnectionFailure) -> ProblemDetailsException:
    """The gateway's own database (API keys, idempotency) is away: 503, never a 500."""
    log.warning("gateway database unavailable", extra={"error": type(exc).__name__})
    return problem(503, "The gateway's database did not answer; try again shortly.",
                   kind="unavailable")


def from_nesting(exc: RecursionError) -> ProblemDetailsException:
    """JSON nested thousands deep: the decoder's RecursionError would otherwise be a 500."""
    log.warning("request too deeply nested", extra={"error": type(exc).__name__})
    return problem(400, "The request body is nested too deeply.", kind="invalid-request",
                   extensions={"errors": [{"message": "nested too deeply", "source": "body"}]})


def from_rpc_failure(exc: RpcFailure) -> ProblemDetailsException:
    """A service's error reply (or its silence) as a problem with the matching status."""
    status = RPC_STATUS[exc.code]
    if isinstance(exc, Overloaded):  # not sent at all: say so, and when to come back
        return problem(503, "Too many requests are waiting for this service; nothing was "
                       "done. Try again after Retry-After seconds.", kind="unavailable",
                       headers=exc.headers)
    if status >= 500:
        log.warning("rpc failed", extra={"code": exc.code, "reason": exc.message})
        detail = ("A service behind the gateway did not answer; try again shortly."
                  if exc.code == "unavailable" else GENERIC_5XX_DETAIL)
        return problem(status, detail, kind=exc.code.replace("_", "-"))
    return problem(status, exc.message, kind=exc.code.replace("_", "-"),
                   extensions=with_fields_named(exc.details))


def with_fields_named(details: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A refusal's `errors` (`loc` paths and `msg`, as a service's rules and its own
    validation report them) in the shape `parse_body` answers, so a 422 reads the same
    (`field` "agenda.1.slots.0.starts_at") whether the gateway's model or the service's rules
    found the fault."""
    errors = (details or {}).get("errors")
    if not isinstance(errors, list):
        return details
    return {**(details or {}), "errors": [_named(error) for error in errors]}


def _named(error: Any) -> Any:
    if not isinstance(error, dict) or "loc" not in error:
        return error
    # No `source`: the service cannot tell whether the field came in a body or a query.
    return {"field": ".".join(str(p) for p in error["loc"]) or "body",
            "message": str(error.get("msg", ""))}


def unhandled_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """500 for anything no other handler took; the exception goes to the log, not the client."""
    log.error("unhandled error", exc_info=exc, extra={
        "method": request.method, "route": request.scope.get("path_template"),
    })
    return problem(500, GENERIC_5XX_DETAIL).to_response(request)


def problem_details_plugin() -> ProblemDetailsPlugin:
    """The plugin with this module's shaping of HTTP errors and RPC failures."""
    mapping: dict[type[Exception], Any] = {
        HTTPException: from_http_exception, RpcFailure: from_rpc_failure,
        UnicodeDecodeError: from_undecodable_body, ConnectionFailure: from_database_outage,
        RecursionError: from_nesting,
    }
    return ProblemDetailsPlugin(ProblemDetailsConfig(
        # All HTTP errors become problems; the map then overrides the plugin's default shape
        # (which puts the message in `title` and a list `extra` under "extra").
        enable_for_all_http_exceptions=True,
        exception_to_problem_detail_map=mapping,
    ))


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI `responses=` declaring the problem answers a route may give.

    400 is always declared: Litestar answers it (as a problem, see `from_http_exception`) for
    any parameter it cannot parse or body it cannot decode, and would otherwise document it as
    plain JSON; so is 422, for a body that breaks its model.
    """
    return {
        status: ResponseSpec(Problem, description=HTTPStatus(status).phrase,
                             media_type=PROBLEM_JSON, generate_examples=False)
        for status in sorted({400, 422, *statuses})
    }
