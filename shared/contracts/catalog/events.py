"""Events the catalog service publishes (`catalog.>`) and the documents member portals send
it (`ingest.catalog.<source>.document.v1`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import Event, SourcedEvent
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


SOURCE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
"""A portal's source name: one NATS subject token, the same as its NATS user."""


class IngestedDocument(SourcedEvent):
    """`ingest.catalog.<source>.document.v1`: a publication sent by a member agency's portal.

    The source travels in the subject, where the NATS server checks it (each portal's user may
    publish under its own source only), and again in the body; the catalog refuses an event
    whose two disagree, so no portal can revise another portal's documents."""

    stem = "ingest.catalog.document"  # the subject has the source between its words
    source: str = Field(pattern=SOURCE_PATTERN)
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
