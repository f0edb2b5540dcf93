"""The translation job aggregate: one document (or session) revision into one target language."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.contracts.translate.events import JobSubject
from shared.contracts.translate.rpc import (
    DraftOrigin,
    GlossaryHit,
    JobStatus,
    SegmentOrigin,
    Suggestion,
)
from shared.reference import LanguageCode

OPEN_STATUSES: frozenset[JobStatus] = frozenset(
    {"queued", "drafting", "draft_ready", "in_review", "rejected", "failed"}
)
"""Work still to do (a failed job waits for a human), superseded by a newer revision."""
CLAIMABLE_STATUSES: frozenset[JobStatus] = frozenset({"draft_ready", "rejected"})
"""Where a translator works; a failed job is claimable too (a human takes over), and so is
one still waiting for its draft (the translator starts without it)."""
WAITING_FOR_DRAFT: frozenset[JobStatus] = frozenset({"queued", "drafting"})
"""Not drafted yet: queued for the drafter, or being drafted."""


class Segment(BaseModel):
    """One sentence of one field, its target and where the target came from."""

    id: str
    field: str
    source: str
    gap: str = Field("", description="Whitespace after the sentence in the source.")
    target: str | None = None
    origin: SegmentOrigin | None = None
    draft: str | None = Field(None, description="The memory or machine target the segment "
                              "was prefilled with, kept when a person edits it (for review).")
    draft_origin: DraftOrigin | None = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    glossary: list[GlossaryHit] = Field(default_factory=list)


class Transition(BaseModel):
    """Who moved the job into which state, when, and why (for rejections and failures)."""

    status: JobStatus
    by: str
    at: datetime
    reason: str | None = None


class Job(BaseModel):
    """A translation job; `version` guards every write (optimistic concurrency).

    `document_id` and `revision` name a document's revision, or for `subject` "session" a
    session and its text revision."""

    id: str
    document_id: str
    revision: int
    subject: JobSubject = "document"
    source_language: LanguageCode
    target_language: LanguageCode
    status: JobStatus = "queued"
    priority: int = 0
    due_at: datetime | None = None
    due_requested: bool = Field(
        False, description="The due date was asked for explicitly: a reschedule leaves it alone.")
    rank: str
    session_id: str | None = None
    segments: list[Segment] = Field(default_factory=list)
    history: list[Transition] = Field(default_factory=list)
    claimed_by: str | None = None
    lease_until: datetime | None = None
    translator: str | None = None
    reviewer: str | None = None
    reason: str | None = None
    engine: str | None = None
    machine: bool = False
    created_at: datetime
    approved_at: datetime | None = None
    delivered_at: datetime | None = None
    version: int = 0

    def moved(self, status: JobStatus, by: str, at: datetime,
              note: str | None = None, **changes: object) -> Job:
        """A copy in `status`, with the transition (and its reason) recorded."""
        history = [*self.history, Transition(status=status, by=by, at=at, reason=note)]
        return self.model_copy(update={"status": status, "history": history, **changes})

    @property
    def memory_segments(self) -> int:
        """How many segments translation memory filled."""
        return sum(1 for segment in self.segments if segment.origin == "memory")
