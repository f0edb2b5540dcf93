"""Events the catalog service publishes (`catalog.>`) and the ingest contract it consumes."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import Event
from shared.reference import DocumentType, LanguageCode, TopicCode

TRANSLATABLE_FIELDS = ("title", "summary", "body")

FieldTexts = dict[str, dict[LanguageCode, str]]
"""`{"title": {"es": "..."}, "summary": {...}, "body": {...}}`: text per field and language."""


class DocumentSnapshot(BaseModel):
    """A document revision as translate and notify need it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    document_id: str
    revision: int
    type: DocumentType
    source_language: LanguageCode
    texts: FieldTexts
    available_languages: list[LanguageCode]
    missing_languages: list[LanguageCode] = Field(
        description="Required languages (es, en) with no original or reviewed text yet."
    )
    topics: list[TopicCode] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    session_id: str | None = None
    published_on: date | None = None


class DocumentPublished(Event):
    stem = "catalog.document.published"
    document: DocumentSnapshot


class DocumentRevised(Event):
    stem = "catalog.document.revised"
    document: DocumentSnapshot


class DocumentTranslated(Event):
    """A language version was stored (from a completed translation job)."""

    stem = "catalog.document.translated"
    document_id: str
    revision: int
    language: LanguageCode
    status: str = Field(description="`machine_draft` or `reviewed`.")
    type: DocumentType
    topics: list[TopicCode] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)


class DocumentWithdrawn(Event):
    stem = "catalog.document.withdrawn"
    document_id: str
    reason: str | None = None


class IngestedDocument(Event):
    """`ingest.catalog.document.v1`: a publication sent by a member agency's portal."""

    stem = "ingest.catalog.document"
    source: str = Field(min_length=1, max_length=200)
    external_id: str = Field(min_length=1, max_length=200)
    type: DocumentType
    source_language: LanguageCode
    title: dict[LanguageCode, str]
    summary: dict[LanguageCode, str] = Field(default_factory=dict)
    body: dict[LanguageCode, str] = Field(default_factory=dict)
    topics: list[TopicCode] = Field(default_factory=list, max_length=20)
    countries: list[str] = Field(default_factory=list, max_length=40)
    authors: list[str] = Field(default_factory=list, max_length=50)
    institutions: list[str] = Field(default_factory=list, max_length=50)
    published_on: date | None = None
