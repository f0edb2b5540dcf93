"""Requests and replies of `rpc.catalog.*`, between the gateway (or `dialogues import`) and
the catalog."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.exact import TextDate
from shared.contracts.rpc import Request
from shared.reference import DocumentType, LanguageCode, TopicCode

LanguageStatus = Literal["original", "machine_draft", "reviewed", "missing"]
Producer = Literal["editor", "ingest", "machine", "translator"]
"""Who or what wrote a language version: an editor here, the system that sent the document
(its `source`), a machine engine, a translator (reviewed)."""
DocumentStatus = Literal["draft", "published", "withdrawn"]
TitleText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
SummaryText = Annotated[str, StringConstraints(max_length=5_000)]
BodyText = Annotated[str, StringConstraints(max_length=200_000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Country = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True,
                                           pattern=r"^[A-Za-z]{2}$")]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=100,
                                              pattern=r"^[A-Za-z0-9_.:-]+$")]
LinkUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000,
                                           pattern=r"^https?://\S+$")]


class DocumentChanges(BaseModel):
    """Metadata and texts an editor sets; every field is optional (`PATCH`)."""

    model_config = ConfigDict(extra="forbid")

    type: DocumentType | None = None
    title: dict[LanguageCode, TitleText] | None = None
    summary: dict[LanguageCode, SummaryText] | None = None
    body: dict[LanguageCode, BodyText] | None = None
    topics: list[TopicCode] | None = Field(None, max_length=20)
    countries: list[Country] | None = Field(None, max_length=40)
    authors: list[Name] | None = Field(None, max_length=50)
    institutions: list[Name] | None = Field(None, max_length=50)
    published_on: TextDate | None = None
    session_id: Identifier | None = None
    url: LinkUrl | None = Field(None, description="A link, e.g. a recording on a video site.")


class DocumentDraft(DocumentChanges):
    """A new document: `type`, `source_language` and the title in that language are required."""

    type: DocumentType
    source_language: LanguageCode
    title: dict[LanguageCode, TitleText]


class CreateDocument(Request):
    model_config = ConfigDict(extra="forbid")
    draft: DocumentDraft
    editor: str | None = Field(None, max_length=100, description="API key id of the editor.")


class ChangeDocument(Request):
    model_config = ConfigDict(extra="forbid")
    document_id: Identifier
    changes: DocumentChanges
    editor: str | None = Field(None, max_length=100)


class DocumentAction(Request):
    """Publish or withdraw one document."""

    model_config = ConfigDict(extra="forbid")
    document_id: Identifier
    reason: str | None = Field(None, max_length=1_000)
    editor: str | None = Field(None, max_length=100)


class GetDocument(Request):
    model_config = ConfigDict(extra="forbid")
    document_id: Identifier
    lang: LanguageCode | None = None
    revision: int | None = Field(None, ge=1)
    include_drafts: bool = False


class LanguageVersion(BaseModel):
    """The state of one language version, with who or what produced it."""

    status: LanguageStatus
    engine: str | None = None
    translator: str | None = None
    reviewer: str | None = None
    at: datetime | None = None
    revision: int | None = Field(None, description="Revision whose source text it renders.")
    stale: bool = Field(False, description="The source text changed since it was made.")
    produced_by: Producer | None = Field(
        None, description="Who or what wrote it: `editor` (`translator` names the editor's "
        "key), `ingest` (the document's `source` sent it), `machine` (`engine`), "
        "`translator` (a reviewed translation); null when it is missing.")


class FileInfo(BaseModel):
    file_id: str
    name: str
    content_type: str
    size: int
    sha256: str


class DocumentView(BaseModel):
    """A document in one language: the asked one if readable, else the source language."""

    id: str
    type: DocumentType
    status: DocumentStatus
    revision: int
    source_language: LanguageCode
    requested_language: LanguageCode | None
    served_language: LanguageCode
    fallback: bool = Field(description="Whether the asked language was not available.")
    title: str
    summary: str
    body: str
    available_languages: list[LanguageCode]
    languages: dict[LanguageCode, LanguageVersion]
    topics: list[TopicCode]
    countries: list[str]
    regions: list[str]
    authors: list[str]
    institutions: list[str]
    published_on: date | None
    year: int | None
    session_id: str | None
    slot: str | None = Field(None, description="The session's agenda slot it belongs to.")
    url: str | None = Field(None, description="A link, e.g. a recording on a video site.")
    source: str | None
    external_id: str | None
    files: list[FileInfo]
    updated_at: datetime


class RevisionInfo(BaseModel):
    revision: int
    status: DocumentStatus
    updated_at: datetime
    current: bool


class ListRevisions(Request):
    model_config = ConfigDict(extra="forbid")
    document_id: Identifier
    limit: int = Field(50, ge=1, le=200)
    before: int | None = Field(None, ge=1, description="Revisions older than this one.")


class RevisionList(BaseModel):
    items: list[RevisionInfo]
    next_before: int | None


class UploadPart(Request):
    """One piece of a file being uploaded (base64), small enough for one NATS message."""

    model_config = ConfigDict(extra="forbid")
    upload_id: Identifier
    index: int = Field(ge=0, le=10_000)
    data: str = Field(max_length=400_000)


class CommitUpload(Request):
    """Assemble the pieces, check the content, store the file and attach it to the document."""

    model_config = ConfigDict(extra="forbid")
    upload_id: Identifier
    document_id: Identifier
    name: Name
    parts: int = Field(ge=1, le=10_000)
    editor: str | None = Field(None, max_length=100)


class AttachedFile(FileInfo):
    duplicate: bool = Field(description="The same content was already attached to the document.")
    text_extracted: bool


class GetFile(Request):
    model_config = ConfigDict(extra="forbid")
    document_id: Identifier
    file_id: Identifier


class ReadFile(GetFile):
    offset: int = Field(ge=0)
    length: int = Field(ge=1, le=262_144)


class FileChunk(BaseModel):
    data: str = Field(description="base64")


class FindContent(Request):
    """Is this exact content (SHA-256) stored already?"""

    model_config = ConfigDict(extra="forbid")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ContentFound(BaseModel):
    found: bool
    document_ids: list[str] = Field(default_factory=list)


class CatalogStatsRequest(Request):
    model_config = ConfigDict(extra="forbid")


class CatalogStats(BaseModel):
    """Published documents by type, topic, year and language, and es+en coverage."""

    documents: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_topic: dict[str, int]
    by_year: dict[str, int]
    by_language: dict[str, int]
    readable_in_es_and_en: int


class PartStored(BaseModel):
    index: int
