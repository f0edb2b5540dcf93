"""Routes of the translate service: translation jobs, glossary and translation statistics."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ApiKey
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.catalog_docs import (
    DRAFT,
    GLOSSARY,
    NEW_TRANSLATION,
    REJECTION,
    TRANSLATION_LINKS,
    date_time_of,
    date_time_queries,
)
from services.gateway.routes.ids import JobId as JobIdPath
from services.gateway.routes.openapi_docs import (
    JsonBody,
    cursor_query,
    operation,
)
from shared.contracts.exact import JsonInt, TextDateTime
from shared.contracts.translate.rpc import (
    ActionReply,
    ClaimReply,
    DraftSegment,
    GetGlossary,
    GetStats,
    Glossary,
    JobAction,
    JobChanges,
    JobId,
    JobPage,
    JobStatus,
    JobSummary,
    JobView,
    ListJobs,
    RejectJob,
    RequestTranslation,
    SaveDraft,
    TranslationStats,
    ids_are_unique,
)
from shared.reference import LanguageCode

WORKERS = [requires_role("translator", "secretariat")]
SECRETARIAT = [requires_role("secretariat")]
CALLER = {"caller": Provide(provide_caller)}
MAX_POSITION = 300
"""The longest list position the translate service takes (`ListJobs.after`)."""
ACTION_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)


class Draft(BaseModel):
    """Targets for some segments or all (save as you go): `{"segments": [{"id": ...,
    "target": ...}], "version": ...}`; segments not named keep their targets."""

    model_config = ConfigDict(extra="forbid")
    segments: list[DraftSegment] = Field(max_length=5_000, description="Each segment once.")
    version: JsonInt | None = Field(None, ge=0, description="The job's `version` as last read: "
                                "if the job changed since, nothing is saved (409).")

    @field_validator("segments")
    @classmethod
    def _each_segment_once(cls, segments: list[DraftSegment]) -> list[DraftSegment]:
        return ids_are_unique(segments)


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2_000, description="Why, for the translator.")


class NewTranslation(BaseModel):
    """A language version to produce for a published document (e.g. pt or fr)."""

    model_config = ConfigDict(extra="forbid")
    document_id: str = Field(min_length=1, max_length=200)
    target_language: LanguageCode
    priority: JsonInt = Field(0, ge=0, le=9, description="9 is the most urgent.")
    due_at: TextDateTime | None = Field(None, description="With its UTC offset.")


@get("/translations", summary="Translation jobs, most urgent first", guards=WORKERS,
     security=SECURITY, responses=problem_responses(400, 401, 403, 422, 503),
     operation_class=date_time_queries("due_after", "due_before"))
async def list_translations(
    gateway: NamedDependency[Gateway],
    status: Annotated[JobStatus | None, QueryParameter(
        description="Jobs in this status only.")] = None,
    source: Annotated[LanguageCode | None, QueryParameter(
        description="Source language of the pair.")] = None,
    target: Annotated[LanguageCode | None, QueryParameter(
        description="Target language of the pair.")] = None,
    document: Annotated[str | None, QueryParameter(
        max_length=200, description="Jobs of this document (or session) only.")] = None,
    due_after: Annotated[str | None, QueryParameter(
        description="Due at or after this moment (RFC 3339, with its UTC offset).")] = None,
    due_before: Annotated[str | None, QueryParameter(
        description="Due before this moment (RFC 3339, with its UTC offset); later than "
        "`due_after`.")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(MAX_POSITION)] = None,
) -> Page[JobSummary]:
    """Jobs by due date, then priority; filter by status, language pair, document and due
    date. A value the filters cannot use (a time without offset, an empty window) is a 422
    naming the parameter."""
    try:
        after = decode_cursor(cursor) if cursor else None
    except ValueError:  # the pattern admits only positions; a final line break gets past it
        raise problem(400, "The cursor is not one this API gave out.") from None
    query = _list_query({"status": status, "source": source, "target": target,
                         "document": document,
                         "due_after": date_time_of(due_after, "due_after"),
                         "due_before": date_time_of(due_before, "due_before"),
                         "limit": limit, "after": after})
    page = await gateway.call("translate", "list_jobs", query, JobPage)
    return Page[JobSummary](items=page.items, next_cursor=encode_cursor(page.next))


def _list_query(values: dict[str, Any]) -> ListJobs:
    """The queue's filters as the service takes them: 422 naming each one it cannot use."""
    try:
        return ListJobs.model_validate(values)
    except ValidationError as error:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or _WINDOW,
                   "message": e["msg"], "source": "query"}
                  for e in error.errors(include_url=False, include_input=False)]
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": errors}) from None


_WINDOW = "due_after,due_before"
"""What a window check that spans both bounds names (pydantic gives it no location)."""


@get("/translations/{job_id:str}", summary="One job with its segments", guards=WORKERS,
     security=SECURITY, responses=problem_responses(401, 403, 404, 503))
async def get_translation(gateway: NamedDependency[Gateway], job_id: JobIdPath) -> JobView:
    """What the editor shows: each segment's source and target, where the target came from
    (memory, machine draft, translator) and its draft, memory suggestions with their match
    percentage, glossary terms found; the history and the `version` to save drafts over."""
    return await gateway.call("translate", "get_job", JobId(job_id=job_id), JobView)


@get("/translations/{job_id:str}/changes", summary="What the translator changed",
     guards=WORKERS, security=SECURITY, responses=problem_responses(401, 403, 404, 503))
async def translation_changes(gateway: NamedDependency[Gateway],
                              job_id: JobIdPath) -> JobChanges:
    """For reviewers: each segment's memory or machine draft beside its target, and a
    word-level diff from draft to target (runs of `equal`, `delete` and `insert` text)."""
    return await gateway.call("translate", "changes", JobId(job_id=job_id), JobChanges)


@post("/translations", summary="Request a translation", guards=SECRETARIAT, security=SECURITY,
      dependencies=CALLER, status_code=201, responses=problem_responses(401, 403, 404, 422, 503),
      operation_class=operation(JsonBody(NewTranslation, NEW_TRANSLATION),
                                links=TRANSLATION_LINKS))
async def request_translation(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                              data: JSONBody[NewTranslation]) -> JobView:
    """Queue a job for a published document in one more language (idempotent per revision)."""
    request = RequestTranslation(**data.model_dump(), actor=caller.id)
    return await gateway.call("translate", "request", request, JobView)


@post("/translations/{job_id:str}/claim", summary="Claim or renew a claim", guards=WORKERS,
      security=SECURITY, dependencies=CALLER, status_code=200, responses=ACTION_PROBLEMS)
async def claim(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                job_id: JobIdPath) -> ClaimReply:
    """A lease that expires; claiming again before then renews it. A job still waiting for
    its machine draft may be claimed: the translator starts without it (memory matches and
    glossary terms are there), and a machine draft finished later is dropped."""
    return await gateway.call("translate", "claim", JobAction(job_id=job_id, actor=caller.id),
                              ClaimReply)


@put("/translations/{job_id:str}/draft", summary="Save a draft", guards=WORKERS,
     security=SECURITY, dependencies=CALLER, responses=ACTION_PROBLEMS,
     operation_class=operation(JsonBody(Draft, DRAFT)))
async def save_draft(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                     job_id: JobIdPath, data: JSONBody[Draft]) -> ActionReply:
    """Store targets of the named segments (some or all; the others keep theirs). With
    `version`, only over the job as last read (409 if it changed); the answer's job carries
    the new `version`. An id no segment has is a 422 naming it; `warnings` lists ignored
    glossary terms."""
    request = SaveDraft(job_id=job_id, actor=caller.id, segments=data.segments,
                        version=data.version)
    return await gateway.call("translate", "save_draft", request, ActionReply)


async def _act(gateway: Gateway, action: str, job_id: str, caller: ApiKey) -> ActionReply:
    return await gateway.call("translate", action, JobAction(job_id=job_id, actor=caller.id),
                              ActionReply)


@post("/translations/{job_id:str}/submit", summary="Submit for review", guards=WORKERS,
      security=SECURITY, dependencies=CALLER, status_code=200, responses=ACTION_PROBLEMS)
async def submit(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                 job_id: JobIdPath) -> ActionReply:
    """Every segment needs a target; `warnings` lists ignored glossary terms."""
    return await _act(gateway, "submit", job_id, caller)


@post("/translations/{job_id:str}/approve", summary="Approve the translation", guards=WORKERS,
      security=SECURITY, dependencies=CALLER, status_code=200, responses=ACTION_PROBLEMS)
async def approve(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                  job_id: JobIdPath) -> ActionReply:
    """The catalog receives the reviewed text once."""
    return await _act(gateway, "approve", job_id, caller)


@post("/translations/{job_id:str}/reject", summary="Send back to the translator",
      guards=WORKERS, security=SECURITY, dependencies=CALLER, status_code=200,
      responses=ACTION_PROBLEMS, operation_class=operation(JsonBody(Rejection, REJECTION)))
async def reject(gateway: NamedDependency[Gateway], caller: NamedDependency[ApiKey],
                 job_id: JobIdPath, data: JSONBody[Rejection]) -> ActionReply:
    """A reason is required; with four-eyes review on, the translator may not reject."""
    request = RejectJob(job_id=job_id, actor=caller.id, reason=data.reason)
    return await gateway.call("translate", "reject", request, ActionReply)


@get("/glossary", summary="The procurement glossary", guards=WORKERS, security=SECURITY,
     responses=problem_responses(401, 403, 503))
async def get_glossary(gateway: NamedDependency[Gateway]) -> Glossary:
    return await gateway.call("translate", "get_glossary", GetGlossary(), Glossary)


@put("/glossary", summary="Replace the glossary", guards=SECRETARIAT, security=SECURITY,
     responses=problem_responses(400, 401, 403, 422, 503),
     operation_class=operation(JsonBody(Glossary, GLOSSARY)))
async def put_glossary(gateway: NamedDependency[Gateway], data: JSONBody[Glossary]) -> Glossary:
    return await gateway.call("translate", "put_glossary", data, Glossary)


@get("/stats/translation", summary="Translation statistics", guards=WORKERS, security=SECURITY,
     responses=problem_responses(401, 403, 503))
async def translation_stats(gateway: NamedDependency[Gateway]) -> TranslationStats:
    """Backlog per language pair, median time to delivery, memory reuse."""
    return await gateway.call("translate", "stats", GetStats(), TranslationStats)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [
    list_translations, get_translation, translation_changes, request_translation, claim,
    save_draft, submit, approve, reject, get_glossary, put_glossary, translation_stats,
]
"""Mounted under `/v1`; each handler names the roles it allows with `requires_role`."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
"""Mounted at `/` without a key, behind the public rate limit (for routes outside `/v1`)."""
