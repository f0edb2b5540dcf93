"""Requests and replies of the editors' desk (`rpc.catalog.list`, `rpc.catalog.editing`):
documents in every status, filtered and paged, and one document with every language's texts.

The public reads published documents through search; these are for editors only (the gateway
guards them)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from shared.contracts.catalog.events import SOURCE_PATTERN
from shared.contracts.catalog.rpc import (
    DocumentStatus,
    DocumentView,
    LanguageStatus,
    LanguageVersion,
)
from shared.contracts.rpc import Request
from shared.reference import DocumentType, LanguageCode, TopicCode

MAX_TITLE_QUERY = 100
MAX_PAGE = 200
CHANGE_POSITION = r"^[0-9a-f]{12}:[A-Za-z0-9_.:-]{1,100}$"
"""A place in the list (the last item's `position`): the change time and the document's id."""
Origin = Literal["here", "ingested"]
"""Written here (by editors or the import command) or sent by another system (`source`)."""
SourceName = Annotated[str, StringConstraints(pattern=SOURCE_PATTERN)]


class DocumentCriteria(BaseModel):
    """What to list; every criterion given must hold (several values of one are alternatives)."""

    model_config = ConfigDict(extra="forbid")

    status: list[DocumentStatus] = Field(default_factory=list, max_length=3)
    type: list[DocumentType] = Field(default_factory=list, max_length=10)
    topic: list[TopicCode] = Field(default_factory=list, max_length=10)
    language: LanguageCode | None = Field(
        None, description="Only documents with a version in this language (any status but "
        "`missing`, or the one `language_status` names).")
    language_status: list[LanguageStatus] = Field(
        default_factory=list, max_length=4,
        description="With `language`: that version's status is one of these.")
    origin: Origin | None = None
    source: SourceName | None = Field(None, description="Sent by this system (e.g. a portal).")
    title: str = Field("", max_length=MAX_TITLE_QUERY, description=(
        "Words that start words of the title, in any language; case and accents ignored."))

    @field_validator("language_status")
    @classmethod
    def _with_language(cls, value: list[LanguageStatus], info: ValidationInfo
                       ) -> list[LanguageStatus]:
        if value and info.data.get("language") is None:
            raise ValueError("needs `language`: the status of which language version")
        return value

    @field_validator("source")
    @classmethod
    def _ingested(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("origin") == "here":
            raise ValueError("a source sends documents: it cannot be written here too")
        return value


class ListDocuments(Request):
    model_config = ConfigDict(extra="forbid")
    criteria: DocumentCriteria
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    after: str | None = Field(None, pattern=CHANGE_POSITION)


class DocumentSummary(BaseModel):
    """One line of the editors' list."""

    id: str
    status: DocumentStatus
    type: DocumentType
    source_language: LanguageCode
    title: dict[LanguageCode, str] = Field(description="The title in each language it has.")
    languages: dict[LanguageCode, LanguageVersion]
    topics: list[TopicCode]
    source: str | None = Field(description="The system that sent it; null: written here.")
    external_id: str | None
    revision: int
    files: int = Field(description="How many files are attached.")
    updated_at: datetime


class DocumentPage(BaseModel):
    items: list[DocumentSummary]
    next_after: str | None


class EditingView(DocumentView):
    """A document as editors see it: the served language as for readers, plus every
    language's texts, to fill an edit form."""

    texts: dict[Literal["title", "summary", "body"], dict[LanguageCode, str]]
