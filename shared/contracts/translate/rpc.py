"""Requests and replies of `rpc.translate.*`, between the gateway and the translate service."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from shared.contracts.rpc import Request
from shared.contracts.translate.events import JobSubject
from shared.reference import LanguageCode

JobStatus = Literal[
    "queued", "drafting", "draft_ready", "in_review", "rejected", "approved", "delivered",
    "failed", "superseded", "cancelled",
]
SegmentOrigin = Literal["memory", "machine", "translator"]


class Suggestion(BaseModel):
    """A fuzzy translation-memory match offered for a segment, with its similarity (0-100)."""

    text: str
    score: float
    source: str = Field(description="The remembered source sentence that matched.")


class GlossaryHit(BaseModel):
    """A glossary term found in a segment's source, and its required target term."""

    source_term: str
    target_term: str


class SegmentView(BaseModel):
    id: str
    field: str
    source: str
    target: str | None = None
    origin: SegmentOrigin | None = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    glossary: list[GlossaryHit] = Field(default_factory=list)


class TransitionView(BaseModel):
    status: JobStatus
    by: str
    at: datetime
    reason: str | None = None


class JobSummary(BaseModel):
    id: str
    document_id: str = Field(description="The document's id, or the session's when `subject` "
                             "is `session`.")
    revision: int
    subject: JobSubject = "document"
    source_language: LanguageCode
    target_language: LanguageCode
    status: JobStatus
    priority: int
    due_at: datetime | None = None
    claimed_by: str | None = None
    lease_until: datetime | None = None
    rank: str = Field(description="Sort position: most urgent first.")


class JobView(JobSummary):
    segments: list[SegmentView]
    history: list[TransitionView]
    translator: str | None = None
    reviewer: str | None = None
    reason: str | None = None
    machine: bool = False


class JobId(Request):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)


class JobAction(JobId):
    actor: str = Field(min_length=1, max_length=200, description="API key id of the caller.")


class ClaimReply(BaseModel):
    job_id: str
    claimed_by: str
    lease_until: datetime


class DraftSegment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=200, description="A segment's id: its field "
                    "(a session's paths are long) and number.")
    target: str = Field(max_length=20_000)


class SaveDraft(JobAction):
    segments: list[DraftSegment] = Field(max_length=5_000)


class RejectJob(JobAction):
    reason: str = Field(min_length=1, max_length=2_000)


class ActionReply(BaseModel):
    """The job after an action, and glossary warnings (terms the target text ignores)."""

    job: JobView
    warnings: list[GlossaryHit] = Field(default_factory=list)


class ListJobs(Request):
    model_config = ConfigDict(extra="forbid")
    status: JobStatus | None = None
    source: LanguageCode | None = None
    target: LanguageCode | None = None
    document: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)
    after: str | None = Field(None, max_length=300)


class JobPage(BaseModel):
    items: list[JobSummary]
    next: str | None = None


class RequestTranslation(Request):
    """Ask for a language version of a document the service has seen published."""

    model_config = ConfigDict(extra="forbid")
    document_id: str = Field(min_length=1, max_length=200)
    target_language: LanguageCode
    priority: int = Field(0, ge=0, le=9)
    due_at: AwareDatetime | None = None
    actor: str = Field(min_length=1, max_length=200)


class GlossaryEntry(BaseModel):
    """One concept, named in each language it has a term for."""

    model_config = ConfigDict(extra="forbid")
    terms: dict[LanguageCode, str] = Field(
        json_schema_extra={"minProperties": 2, "maxProperties": 4})

    @field_validator("terms")
    @classmethod
    def _two_to_four(cls, terms: dict[LanguageCode, str]) -> dict[LanguageCode, str]:
        # Checked here, not with Field(min_length=2, max_length=4): Litestar's OpenAPI
        # generator documents a length-constrained dict as an array (json_schema_extra above
        # documents the bounds for both Litestar and pydantic).
        if not 2 <= len(terms) <= 4:
            raise ValueError("name the concept in 2 to 4 languages")
        return terms


class Glossary(Request):
    model_config = ConfigDict(extra="forbid")
    entries: list[GlossaryEntry] = Field(max_length=2_000)


class GetGlossary(Request):
    model_config = ConfigDict(extra="forbid")


class GetStats(Request):
    model_config = ConfigDict(extra="forbid")


class PairBacklog(BaseModel):
    source_language: LanguageCode
    target_language: LanguageCode
    open_jobs: int


class TranslationStats(BaseModel):
    backlog: list[PairBacklog]
    delivered_jobs: int
    median_hours_to_delivery: float | None
    segments: int
    memory_segments: int
    memory_reuse: float = Field(description="Share of segments filled from memory (0-1).")
