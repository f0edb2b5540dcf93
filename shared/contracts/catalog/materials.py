"""Session materials (issue 14): what the secretariat attaches to a session after it
(`rpc.catalog.attach_material`), the recording the webinar platform sends
(`ingest.catalog.<source>.recording.v1`), and a material as a session's answer lists it.

A material is a catalog document linked to the session (and to one agenda slot, by key); the
catalog keeps its own copy of published sessions (from registration's events) to check both
and to give the document the session's topics, countries and date."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.catalog.rpc import SummaryText, TitleText
from shared.contracts.events import SourcedEvent
from shared.contracts.exact import JsonBool
from shared.contracts.registration.programme import Key, Url
from shared.contracts.rpc import Request
from shared.reference import LanguageCode

MaterialKind = Literal["presentation", "recording", "summary", "conclusions", "agreements"]
SESSION_ID_PATTERN = r"^[0-9A-Za-z_-]{1,64}$"
"""A registration session id, as `SearchRequest.session` takes it."""


class MaterialFields(BaseModel):
    """A material as the secretariat describes it (the body of
    `POST /v1/sessions/{id}/materials`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MaterialKind
    slot: Key | None = Field(None, description="The agenda slot it belongs to, by key.")
    title: dict[LanguageCode, TitleText] = Field(min_length=1)
    source_language: LanguageCode
    url: Url | None = Field(None, description="A link, e.g. the recording on a video site.")
    summary: dict[LanguageCode, SummaryText] = Field(default_factory=dict)
    publish: JsonBool = Field(False, description="Publish at once (a link needs no file); "
                          "otherwise upload files to the document, then publish it.")


class AttachMaterial(Request):
    """`rpc.catalog.attach_material`: a new document linked to a published session."""

    model_config = ConfigDict(extra="forbid")
    session_id: str = Field(pattern=SESSION_ID_PATTERN)
    material: MaterialFields
    editor: str | None = Field(None, max_length=100, description="API key id of the editor.")


class SessionMaterial(BaseModel):
    """One published material in a session's answer, in the reader's language if it has it."""

    document_id: str
    type: str
    title: str
    title_language: str
    slot: str | None = None
    url: str | None = None


class IngestedRecording(SourcedEvent):
    """`ingest.catalog.<source>.recording.v1`: the webinar platform's recording of a session.

    It becomes a published recording material of that session; the same (source, external
    id) names the same document, so a repeat changes it instead of adding another. The source
    is the subject's token (the NATS server lets each user publish under its own only)."""

    stem = "ingest.catalog.recording"  # the subject has the source between its words
    session_id: str = Field(pattern=SESSION_ID_PATTERN)
    url: Url
    title: dict[LanguageCode, TitleText] = Field(min_length=1)
    language: LanguageCode = Field(description="The language spoken; the title's source.")
    external_id: str = Field(min_length=1, max_length=200)
    slot: Key | None = None
