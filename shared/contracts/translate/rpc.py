"""Requests and replies of `rpc.translate.*`, between the gateway and the translate service."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from shared.contracts.rpc import Request
from shared.contracts.translate.events import JobSubject
from shared.reference import LanguageCode

JobStatus = Literal[
    "queued", "drafting", "draft_ready", "in_review", "rejected", "approved", "delivered",
    "failed", "superseded", "cancelled",
]
SegmentOrigin = Literal["memory", "machine", "translator"]
"""Where a segment's target came from: `memory` an exact translation-memory match, `machine`
the machine engine's draft (never reviewed by a person), `translator` a person wrote or edited
it."""
DraftOrigin = Literal["memory", "machine"]


class Suggestion(BaseModel):
    """A fuzzy translation-memory match offered for a segment, with its similarity (0-100)."""

    text: str
    score: float = Field(description="Similarity to the segment's source, 75 to 100.")
    match: int = Field(0, ge=0, le=100, description="`score` as a whole percentage, as the "
                       "editor shows it.")
    source: str = Field(description="The remembered source sentence that matched.")

    @model_validator(mode="before")
    @classmethod
    def _match_from_score(cls, data: object) -> object:
        # Suggestions stored before `match` existed carry only `score`.
        if isinstance(data, dict) and "match" not in data and "score" in data:
            return {**data, "match": max(0, min(100, round(float(data["score"]))))}
        return data


class GlossaryHit(BaseModel):
    """A glossary term found in a segment's source, and its required target term."""

    source_term: str
    target_term: str


class SegmentView(BaseModel):
    """One sentence as the translators' editor shows it."""

    id: str
    field: str
    source: str
    target: str | None = None
    origin: SegmentOrigin | None = Field(
        None, description="Where `target` came from: `memory` (an exact memory match), "
        "`machine` (a machine draft, unreviewed), `translator` (written or edited by a person).")
    draft: str | None = Field(None, description="The target the segment was prefilled with "
                              "(memory or machine), kept when a person edits it.")
    draft_origin: DraftOrigin | None = Field(None, description="Where `draft` came from.")
    suggestions: list[Suggestion] = Field(
        default_factory=list, description="Fuzzy memory matches, best first.")
    glossary: list[GlossaryHit] = Field(
        default_factory=list, description="Glossary terms found in the source.")


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
    version: int = Field(0, description="Changes with every write: send it back with a draft "
                         "to save only over what you read.")


class JobId(Request):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=100)


class JobAction(JobId):
    actor: str = Field(min_length=1, max_length=200, description="API key id of the caller.")


class ClaimReply(BaseModel):
    job_id: str
    claimed_by: str
    lease_until: datetime
    version: int = Field(0, description="The job's version after the claim.")


SEGMENT_ID = r"^[a-z][a-z0-9_.-]*-[1-9][0-9]*$"
"""A segment's id: its field's path (`title`, `agenda.<block>.slots.<slot>.title`), `-` and
its number in the field, from 1 (`services.translate.domain.segments`)."""


class DraftSegment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=3, max_length=200, pattern=SEGMENT_ID, description="A "
                    "segment's id: its field (a session's paths are long), `-` and number.")
    target: str = Field(max_length=20_000)


def ids_are_unique(segments: list[DraftSegment]) -> list[DraftSegment]:
    """A draft names each segment once: with two targets for one, which one is meant?"""
    seen: set[str] = set()
    for segment in segments:
        if segment.id in seen:
            raise ValueError(f"segment {segment.id!r} is named twice")
        seen.add(segment.id)
    return segments


class SaveDraft(JobAction):
    segments: list[DraftSegment] = Field(max_length=5_000)
    version: int | None = Field(None, ge=0, description="The job's version as last read: if "
                                "the job changed since, nothing is saved (conflict).")

    @field_validator("segments")
    @classmethod
    def _each_segment_once(cls, segments: list[DraftSegment]) -> list[DraftSegment]:
        return ids_are_unique(segments)


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
    due_after: AwareDatetime | None = Field(None, description="Due at or after this moment.")
    due_before: AwareDatetime | None = Field(None, description="Due before this moment.")
    limit: int = Field(50, ge=1, le=200)
    after: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _window_is_not_empty(self) -> ListJobs:
        if self.due_after and self.due_before and self.due_after >= self.due_before:
            raise ValueError("due_after must be earlier than due_before")
        return self


class JobPage(BaseModel):
    items: list[JobSummary]
    next: str | None = None


class DiffOp(BaseModel):
    """One run of words: kept (`equal`), added by the translator (`insert`) or removed from
    the draft (`delete`). The `equal` and `insert` runs joined give the target; the `equal`
    and `delete` runs joined give the draft."""

    op: Literal["equal", "insert", "delete"]
    text: str


class SegmentChange(BaseModel):
    """What a person changed in one segment against the draft it was prefilled with."""

    id: str
    field: str
    source: str
    draft: str | None = Field(description="The memory or machine draft; null if the segment "
                              "had none (the person wrote it all).")
    draft_origin: DraftOrigin | None = None
    target: str | None
    origin: SegmentOrigin | None
    changed: bool = Field(description="Whether the target differs from the draft.")
    diff: list[DiffOp] = Field(description="Word-level changes from `draft` to `target`.")


class JobChanges(BaseModel):
    """For reviewers: each segment's draft beside its target, and the words changed."""

    job_id: str
    status: JobStatus
    machine: bool = Field(description="Whether a machine engine drafted part of the job.")
    changed_segments: int
    segments: list[SegmentChange]


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
