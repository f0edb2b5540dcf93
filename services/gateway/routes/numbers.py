"""Routes of the numbers service: the network in numbers, public in JSON and CSV, and the
baselines the secretariat records (totals reached before this system).

Both public forms state the open-data licence (CC BY 4.0): JSON in its `licence` and
`licence_url` fields, CSV in `#` comment lines before the header (the comment prefix of the
W3C tabular-data dialect; `pandas.read_csv(comment="#")` skips them) and in a `Link:
<...>; rel="license"` header on both. Both carry an ETag of their body and may be cached.
"""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Annotated, Any

from litestar import Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, PathParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.problems import problem_responses
from services.gateway.routes.openapi_docs import JsonBody, operation
from shared.contracts.exact import JsonInt, TextDate
from shared.contracts.numbers.rpc import (
    Baseline,
    BaselineFigure,
    BaselineList,
    DeleteBaseline,
    GetNumbers,
    ListBaselines,
    Numbers,
    RecordBaseline,
)

SVC = "numbers"
SECRETARIAT = [requires_role("secretariat")]
CALLER = {"caller": Provide(provide_caller)}
MAX_AGE = 300
"""Seconds a cache may keep the figures: they change as events arrive, not by the second."""


class NewBaseline(BaseModel):
    """A total reached before this system: what it counts, how many, who says so and when."""

    model_config = ConfigDict(extra="forbid")
    figure: BaselineFigure
    value: JsonInt = Field(ge=0, le=10_000_000)
    source: str = Field(min_length=1, max_length=500, description="Who reports it, e.g. "
                        "'INGP in numbers, OAS'.")
    as_of: TextDate = Field(description="The date the source gives the figure for.")
    note: str | None = Field(None, max_length=1_000)


def cached(request: Request[Any, Any, Any], body: bytes, media_type: str,
           figures: bytes | None = None) -> Response[bytes]:
    """The body with the ETag of its `figures` (the body itself if not given: the time it was
    made is no change of the figures); 304 when the client already holds them."""
    etag = f'"{hashlib.sha256(body if figures is None else figures).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}",
               "Link": f'<{Numbers.model_fields["licence_url"].default}>; rel="license"'}
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _rows(numbers: Numbers) -> list[tuple[str, str, str, str]]:
    """(figure, dimension, code, value): every cell; a suppressed one has no value."""
    rows: list[tuple[str, str, str, str]] = []
    for group, figures in (("sessions", numbers.sessions), ("participants", numbers.participants),
                           ("publications", numbers.publications),
                           ("translations", numbers.translations)):
        for name, value in figures.model_dump().items():
            if isinstance(value, dict):
                rows += [(group, name, code, "" if n is None else str(n))
                         for code, n in value.items()]
            else:
                rows.append((group, name, "", str(value)))
    rows += [("combined", figure, part, str(value))
             for figure, parts in numbers.combined.items()
             for part, value in parts.model_dump().items()]
    rows += [("baseline", b.figure, f"{b.as_of.isoformat()} {b.source}", str(b.value))
             for b in numbers.baselines]
    return rows


def as_csv(numbers: Numbers) -> str:
    """The figures as CSV, one cell a row, the licence in `#` comment lines first."""
    out = io.StringIO()
    out.write(f"# The network in numbers, INGP Virtual Dialogues, {numbers.generated_at:%Y-%m-%d}"
              f"\n# Licence: CC BY 4.0 ({numbers.licence_url})\n"
              f"# Cells of fewer than {numbers.suppressed_below} people are suppressed "
              "(empty value).\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("figure", "dimension", "code", "value"))
    writer.writerows(_rows(numbers))
    return out.getvalue()


@get("/numbers", summary="The network in numbers",
     responses={200: ResponseSpec(Numbers, description="The figures, open data (CC BY 4.0).",
                                  generate_examples=False),
                **problem_responses(429, 503)})
async def get_numbers(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                      ) -> Response[bytes]:
    """Sessions held, unique participants (small cells suppressed), publications, translation
    coverage, and the baselines before this system; open data under CC BY 4.0."""
    numbers = await gateway.call(SVC, "get", GetNumbers(), Numbers)
    figures = numbers.model_dump_json(exclude={"generated_at"}).encode()
    return cached(request, numbers.model_dump_json().encode(), "application/json", figures)


@get("/numbers.csv", summary="The network in numbers (CSV)", media_type="text/csv",
     responses={200: ResponseSpec(str, media_type="text/csv", generate_examples=False,
                                  description="figure,dimension,code,value; the licence in "
                                              "'#' lines first."),
                **problem_responses(429, 503)})
async def get_numbers_csv(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway]
                          ) -> Response[bytes]:
    """The same figures as CSV (`figure,dimension,code,value`), the licence in `#` lines."""
    numbers = await gateway.call(SVC, "get", GetNumbers(), Numbers)
    figures = numbers.model_dump_json(exclude={"generated_at"}).encode()
    return cached(request, as_csv(numbers).encode(), "text/csv", figures)


@get("/numbers/baselines", summary="Baselines before this system", guards=SECRETARIAT,
     security=SECURITY, responses=problem_responses(401, 403, 503))
async def list_baselines(gateway: NamedDependency[Gateway]) -> BaselineList:
    return await gateway.call(SVC, "list_baselines", ListBaselines(), BaselineList)


@post("/numbers/baselines", summary="Record a baseline", guards=SECRETARIAT, security=SECURITY,
      dependencies=CALLER, responses=problem_responses(400, 401, 403, 422, 503),
      operation_class=operation(JsonBody(NewBaseline, {
          "figure": "sessions_held", "value": 200, "source": "INGP in numbers, OAS",
          "as_of": "2025-12-31"})))
async def record_baseline(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          data: JSONBody[NewBaseline]) -> Baseline:
    """A total the network reached before this system, with its source and date (e.g. 200
    dialogue spaces, INGP in numbers); shown apart and added where meaningful."""
    request = RecordBaseline(**data.model_dump(), actor=caller.id)
    return await gateway.call(SVC, "record_baseline", request, Baseline)


@delete("/numbers/baselines/{baseline_id:str}", summary="Remove a baseline",
        guards=SECRETARIAT, security=SECURITY, dependencies=CALLER, status_code=200,
        responses=problem_responses(401, 403, 404, 503))
async def delete_baseline(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                          baseline_id: Annotated[str, PathParameter(
                              min_length=1, max_length=64, description="A baseline's id.")]
                          ) -> BaselineList:
    request = DeleteBaseline(baseline_id=baseline_id, actor=caller.id)
    return await gateway.call(SVC, "delete_baseline", request, BaselineList)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [get_numbers, get_numbers_csv]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [list_baselines, record_baseline,
                                                 delete_baseline]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
