"""What the OpenAPI document states about a route that Litestar cannot infer from its
signature: bodies the handler parses itself, links from a create answer to the routes that use
its id, strict date-times and opaque cursors in the query.

Why bodies are declared here: routes that merge path parameters into their request model
parse the JSON themselves (`problems.parse_body`, for the 422 naming each field), so Litestar
sees `Any` and documents an empty schema. `operation(JsonBody(Model, example))` puts the
model's own JSON schema in the document (without the fields the path fills), with a valid
example that a client (or Schemathesis' examples phase) can send as is.

Usage: `@post(..., operation_class=operation(JsonBody(Model, {...}), links={...}))`;
`Annotated[str | None, date_time_query("to")]` read with `as_datetime`; `Annotated[str |
None, cursor_query()]`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from litestar.openapi.spec import (
    Link,
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import KwargDefinition, QueryParameter
from pydantic import BaseModel

from services.gateway.problems import problem
from shared.contracts.exact import DATE_TIME

RFC3339 = DATE_TIME
"""A date-time with its zone (RFC 3339): `0.5` or a bare date is no date-time here."""


class RawSchema(Schema):
    """A schema given as JSON Schema (a pydantic model's): written into the document as is."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        super().__init__()
        self.document = dict(document)

    def to_schema(self) -> dict[str, Any]:
        return self.document


@dataclass(frozen=True)
class JsonBody:
    """A JSON body a handler parses with `model`; `without`: the fields its path fills;
    `stripped`: whether the model strips spaces from strings (default: as its config says)."""

    model: type[BaseModel]
    example: Mapping[str, Any]
    without: tuple[str, ...] = ()
    required: bool = True
    stripped: bool | None = None
    needs: tuple[str, ...] = ()
    """Fields the route requires though the model (shared with a PATCH) leaves them out."""

    def schema(self) -> dict[str, Any]:
        """The body's JSON schema, as the document states it."""
        stripped = self.stripped
        if stripped is None:
            stripped = bool(self.model.model_config.get("str_strip_whitespace"))
        schema = model_schema(self.model, self.without, stripped=stripped)
        if self.needs:
            schema["required"] = sorted({*schema.get("required", []), *self.needs})
            for name in self.needs:  # required and not null: the service counts null missing
                schema["properties"][name] = _not_null(schema["properties"][name])
        if not self.required:  # JSON `null` is read as no body, and so is stated
            return {"anyOf": [schema, {"type": "null"}]}
        return schema


def model_schema(model: type[BaseModel], without: tuple[str, ...] = (), *,
                 stripped: bool = False) -> dict[str, Any]:
    """`model`'s JSON schema with its definitions inlined (the document's components are
    Litestar's), less the `without` fields. `stripped`: a required text must hold more than
    spaces (the model strips them before it counts the length)."""
    schema = model.model_json_schema(mode="validation")
    definitions = schema.pop("$defs", {})
    inlined: dict[str, Any] = _inline(schema, definitions, stripped)
    inlined["properties"] = {k: v for k, v in inlined.get("properties", {}).items()
                             if k not in without}
    if required := [k for k in inlined.get("required", []) if k not in without]:
        inlined["required"] = required
    else:
        inlined.pop("required", None)
    return inlined


def _not_null(field: dict[str, Any]) -> dict[str, Any]:
    """An optional field's schema (`anyOf: [..., {"type": "null"}]`) without its null."""
    kept = [option for option in field.get("anyOf", []) if option != {"type": "null"}]
    if "anyOf" not in field or not kept:
        return field
    rest = {k: v for k, v in field.items() if k not in ("anyOf", "default")}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _inline(node: Any, definitions: Mapping[str, Any], stripped: bool) -> Any:
    if isinstance(node, list):
        return [_inline(item, definitions, stripped) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(ref := node.get("$ref"), str) and ref.startswith("#/$defs/"):
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _inline({**definitions[ref.removeprefix("#/$defs/")], **rest}, definitions,
                       stripped)
    inlined = {key: _inline(value, definitions, stripped) for key, value in node.items()}
    if stripped and node.get("type") == "string" and node.get("minLength", 0) >= 1 \
            and "pattern" not in node:
        inlined["pattern"] = r"\S"
    return inlined


def link_to(operation_id: str, description: str, **parameters: str) -> Link:
    """A link to the operation `operation_id`, its parameters taken from this answer (e.g.
    `session_id="$response.body#/id"`)."""
    return Link(operation_id=operation_id, parameters=dict(parameters), description=description)


def links_to(prefix: str, parameters: Mapping[str, str],
             table: Iterable[tuple[str, str, str]]) -> dict[str, Link]:
    """Links from one create answer: each row (name, operation id after `prefix`,
    description) a `link_to` that operation, all taking `parameters` from the answer."""
    return {name: link_to(prefix + target, description, **parameters)
            for name, target, description in table}


@dataclass
class DocumentedOperation(Operation):
    """An operation whose body, links and required headers are stated by `operation()`
    (class attributes, set per route by a subclass: Litestar builds the instance)."""

    body: ClassVar[JsonBody | None] = None
    links: ClassVar[Mapping[str, Link]] = {}
    required_headers: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        if self.body is not None:
            schema = RawSchema(self.body.schema())
            self.request_body = RequestBody(required=self.body.required, content={
                "application/json": OpenAPIMediaType(schema=schema,
                                                     example=dict(self.body.example))})
        for status, response in (self.responses or {}).items():
            # The created answer carries the id; a 202 (e.g. "already registered") does not.
            if status in ("200", "201") and isinstance(response, OpenAPIResponse) and self.links:
                response.links = dict(self.links)
        for parameter in self.parameters or []:
            if getattr(parameter, "name", None) in self.required_headers:
                parameter.required = True  # type: ignore[union-attr]


def operation(body: JsonBody | None = None, *, links: Mapping[str, Link] | None = None,
              required_headers: tuple[str, ...] = ()) -> type[Operation]:
    """An `operation_class=` that documents `body`, puts `links` on the success answers and
    marks `required_headers` required (the handler answers 422 naming a missing one)."""
    attributes = {"body": body, "links": dict(links or {}), "required_headers": required_headers}
    return type("Documented" + (body.model.__name__ if body else "Operation"),
                (DocumentedOperation,), attributes)


def date_time_query(name: str, description: str | None = None,
                    required: bool = False) -> KwargDefinition:
    """A query parameter holding an RFC 3339 date-time with its zone: anything else (`0.5`,
    which Litestar would read as a timestamp) is a 400 naming it."""
    return QueryParameter(name=name, pattern=RFC3339, format="date-time",
                          description=description, required=required)


def as_datetime(value: str | None, field: str) -> datetime | None:
    """A `date_time_query` value as a datetime; 422 naming `field` if it is no real date
    (the pattern lets `2026-02-30T...` through)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": [{
                          "field": field, "message": "Not a date-time.",
                          "source": "query"}]}) from None


def _b64(values: range | list[int]) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "[" + "".join(re.escape(alphabet[v]) for v in values) + "]"


def _cursor_pattern() -> str:
    """base64url of printable ASCII, the only cursors that decode to a position: each
    4-character group is 3 bytes in 0x20-0x7E, a 2- or 3-character tail (padded or not) 1 or
    2 more."""
    c1, c1_last = _b64(range(8, 31)), _b64([31])
    c2_all = [hi << 4 | lo for hi in range(4) for lo in range(2, 8)]
    c2 = {(low7, capped): _b64([v for v in c2_all if (v & 15 == 7) == low7
                                 and (not capped or v >> 4 <= 2)])
          for low7 in (False, True) for capped in (False, True)}
    pair = {low7: f"(?:{c1}{c2[low7, False]}|{c1_last}{c2[low7, True]})" for low7 in (False, True)}
    c3 = {(low, capped): _b64([x << 2 | low for x in range(15 if capped else 16)])
          for low in (0, 1) for capped in (False, True)}
    tail34 = {capped: f"(?:{c3[0, capped]}{_b64(range(32, 64))}|{c3[1, capped]}{_b64(range(63))})"
              for capped in (False, True)}
    group = f"(?:{pair[False]}{tail34[False]}|{pair[True]}{tail34[True]})"
    any_c2, capped_c2 = _b64(range(64)), _b64(range(48))  # trailing bits are dropped
    two_bytes = f"(?:{pair[False]}{any_c2}|{pair[True]}{_b64(range(60))})=?"
    one_byte = f"(?:{c1}{any_c2}|{c1_last}{capped_c2})(?:==)?"
    return f"^{group}*(?:{two_bytes}|{one_byte})?$"


CURSOR_PATTERN = _cursor_pattern()


def cursor_query(max_position: int = 64) -> KwargDefinition:
    """The `cursor` query parameter: a `next_cursor` this API gave out, at most as long as
    a position of `max_position` characters encodes to."""
    return QueryParameter(
        pattern=CURSOR_PATTERN, max_length=(4 * max_position + 2) // 3,
        description="The `next_cursor` of the previous page (opaque: base64url of printable "
        "ASCII); none for the first page.")
