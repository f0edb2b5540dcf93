"""Events the translate service publishes (`translate.>`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import Event
from shared.reference import LanguageCode

JobSubject = Literal["document", "session"]
"""What a job translates: a catalog document, or the texts of a registration session."""


class JobRef(BaseModel):
    """Which job, for which revision of which document (or session) and language pair."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: str
    document_id: str = Field(description="The document's id, or the session's when `subject` "
                             "is `session`.")
    revision: int = Field(description="The document's revision, or the session's "
                          "`text_revision`.")
    subject: JobSubject = "document"
    source_language: LanguageCode
    target_language: LanguageCode


class Provenance(BaseModel):
    """Who or what produced a language version, and who reviewed it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    engine: str | None = None
    translator: str | None = Field(None, description="API key id or name, never an e-mail.")
    reviewer: str | None = None
    completed_at: datetime


class JobQueued(Event):
    stem = "translate.job.queued"
    job: JobRef
    due_at: datetime | None = None
    priority: int = 0


class JobDrafted(Event):
    stem = "translate.job.drafted"
    job: JobRef
    machine: bool = Field(description="Whether a machine engine wrote (part of) the draft.")


class JobCompleted(Event):
    """Reviewed text for one language of one revision: the catalog stores it."""

    stem = "translate.job.completed"
    job: JobRef
    texts: dict[str, str] = Field(description="Target text per field: title, summary, body "
                                  "of a document; the paths of `SessionTexts` of a session.")
    provenance: Provenance


class JobFailed(Event):
    stem = "translate.job.failed"
    job: JobRef
    reason: str
