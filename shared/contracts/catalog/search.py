"""Messages of `rpc.catalog.search` and `rpc.catalog.oai`, shared by the catalog and gateway."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.rpc import Request
from shared.reference import DocumentType, LanguageCode, RegionCode, TopicCode

FACETS = ("type", "topic", "country", "region", "year", "language")
MAX_QUERY_CHARS = 500
MAX_FILTER_VALUES = 20
MAX_OFFSET = 10_000

SortOrder = Literal["relevance", "date"]


class SearchRequest(Request):
    """A search: text (optional), filters (OR within one, AND across), order and page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str = Field("", max_length=MAX_QUERY_CHARS)
    lang: LanguageCode | None = Field(None, description="Language of titles and snippets.")
    type: list[DocumentType] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    topic: list[TopicCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    country: list[str] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    region: list[RegionCode] = Field(default_factory=list, max_length=MAX_FILTER_VALUES)
    year_from: int | None = Field(None, ge=1000, le=9999)
    year_to: int | None = Field(None, ge=1000, le=9999)
    available_in: list[LanguageCode] = Field(default_factory=list, max_length=4)
    session: str | None = Field(None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$",
                                description="Only the materials of this session.")
    sort: SortOrder = "relevance"
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    limit: int = Field(20, ge=1, le=100)


class SearchHit(BaseModel):
    """One document found."""

    id: str
    type: str
    title: str
    title_language: str
    snippet: str = Field(description="HTML-escaped text with matches in <b>...</b>.")
    snippet_language: str
    languages: list[str] = Field(description="Languages the document can be read in.")
    published_on: str | None = None
    score: float | None = Field(description="BM25 relevance; null when sorted by date.")
    session_id: str | None = Field(None, description="The session it is a material of.")
    slot: str | None = Field(None, description="The agenda slot it belongs to, by key.")
    url: str | None = Field(None, description="Its link, e.g. a recording on a video site.")


class FacetCount(BaseModel):
    value: str
    count: int


class SearchReply(BaseModel):
    """Hits of one page, the total, and facet counts over all filtered hits."""

    hits: list[SearchHit]
    total: int
    next_offset: int | None
    facets: dict[str, list[FacetCount]]


OaiText = Annotated[str, StringConstraints(max_length=1_000)]


class OaiRequest(Request):
    """An OAI-PMH request as it came: its arguments in order, repeats kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    arguments: list[tuple[OaiText, OaiText]] = Field(default_factory=list, max_length=20)
    base_url: str = Field(max_length=500)


class OaiReply(BaseModel):
    """The OAI-PMH response document."""

    xml: str
