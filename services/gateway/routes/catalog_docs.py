"""What the OpenAPI document states about the catalog, translate, notify and numbers routes
that Litestar cannot infer from their signatures: rules across fields that JSON Schema can
still say (the title in the source language), the multipart upload's `file` part, links from
a create answer to the routes that use its id, and a valid example of each body.

Built on `openapi_docs` (the registration side's helpers, `JsonBody` and `operation`): a
body documented here is the model's own JSON schema, so it states what pydantic enforces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, get_args

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

from services.gateway.problems import problem
from services.gateway.routes.openapi_docs import (
    RFC3339,
    JsonBody,
    RawSchema,
    as_datetime,
    link_to,
    links_to,
)
from shared.reference import LanguageCode
from shared.reference.member_states import MEMBER_STATES

LANGUAGES: tuple[str, ...] = get_args(LanguageCode)
"""The languages a document or a material may be written in (es, en, pt, fr)."""
MEMBER_STATE = "^(?:" + "|".join("".join(f"[{c.upper()}{c.lower()}]" for c in state.iso2)
                                 for state in MEMBER_STATES) + ")$"
"""The ISO alpha-2 code of an INGP member state, in either case: what `countries` takes."""


@dataclass(frozen=True)
class CountriesBody(JsonBody):
    """A body whose `countries` are INGP member states (the catalog refuses others)."""

    def schema(self) -> dict[str, Any]:
        schema = super().schema()
        if isinstance(countries := schema["properties"].get("countries"), dict):
            for variant in countries.get("anyOf", [countries]):
                if variant.get("type") == "array":
                    variant["items"] = {"type": "string", "pattern": MEMBER_STATE}
        return schema


@dataclass(frozen=True)
class SourceTitledBody(CountriesBody):
    """A new document's body: its `title` must hold its `source_language` (the catalog
    refuses it otherwise), stated as one alternative per language, which generated clients
    and Schemathesis read."""

    def schema(self) -> dict[str, Any]:
        schema = super().schema()
        schema["anyOf"] = [{"properties": {"source_language": {"const": language},
                                           "title": {"required": [language]}}}
                           for language in LANGUAGES]
        return schema


@dataclass
class FileUploadOperation(Operation):
    """The upload's body: one multipart part named `file` (required), the file itself.
    Litestar documents `dict[str, UploadFile]` as an optional list named `files`. The answer
    links to the file's download."""

    description_of_file: ClassVar[str] = "The file."

    def __post_init__(self) -> None:
        part = {"type": "string", "format": "binary", "description": self.description_of_file}
        schema = RawSchema({"type": "object", "required": ["file"],
                            "properties": {"file": part}})
        self.request_body = RequestBody(required=True, content={
            "multipart/form-data": OpenAPIMediaType(schema=schema)})
        created = (self.responses or {}).get("201")
        if isinstance(created, OpenAPIResponse):
            created.links = {"DownloadFile": link_to(
                "V1DocumentsDocumentIdFilesFileIdDownloadFile", "Download the file attached.",
                document_id="$request.path.document_id", file_id="$response.body#/file_id")}


def file_upload(description: str) -> type[Operation]:
    """An `operation_class=` for a route that takes one file in the multipart part `file`."""
    return type("FileUpload", (FileUploadOperation,), {"description_of_file": description})


@dataclass
class QueryItemsOperation(Operation):
    """Patterns of the items of list query parameters, which Litestar leaves out."""

    item_patterns: ClassVar[dict[str, str]] = {}

    def __post_init__(self) -> None:
        for parameter in self.parameters or []:
            pattern = self.item_patterns.get(getattr(parameter, "name", ""))
            schema = getattr(parameter, "schema", None)
            for variant in ([schema, *(schema.one_of or [])] if isinstance(schema, Schema)
                            else []):
                if isinstance(variant, Schema) and isinstance(variant.items, Schema) \
                        and pattern is not None:
                    variant.items.pattern = pattern


def query_items(**patterns: str) -> type[Operation]:
    """An `operation_class=` stating the pattern of each item of the named list parameters."""
    return type("QueryItems", (QueryItemsOperation,), {"item_patterns": patterns})


@dataclass
class DateTimeQueryOperation(Operation):
    """Query parameters the handler reads as RFC 3339 date-times itself, so that a value that
    is none answers the route's own 422 naming it (Litestar's check of a pattern is a 400),
    stated in the document as such (their string variant gets the pattern and format)."""

    date_times: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        for parameter in self.parameters or []:
            schema = getattr(parameter, "schema", None)
            if getattr(parameter, "name", "") not in self.date_times \
                    or not isinstance(schema, Schema):
                continue
            for variant in [schema, *(schema.one_of or [])]:
                if isinstance(variant, Schema) and variant.type == OpenAPIType.STRING:
                    variant.pattern, variant.format = RFC3339, OpenAPIFormat.DATE_TIME


def date_time_queries(*names: str) -> type[Operation]:
    """An `operation_class=` stating that the named query parameters are RFC 3339
    date-times (read them with `date_time_of`)."""
    return type("DateTimeQueries", (DateTimeQueryOperation,), {"date_times": names})


def date_time_of(value: str | None, name: str) -> datetime | None:
    """A query parameter `date_time_queries` states, as a datetime; 422 naming it if it is no
    RFC 3339 date-time with its zone."""
    if value is not None and not re.fullmatch(RFC3339, value):
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": [{
                          "field": name, "message": "Not a date-time with its zone (RFC 3339).",
                          "source": "query"}]})
    return as_datetime(value, name)


DOCUMENT_LINKS = links_to("V1DocumentsDocumentId", {"document_id": "$response.body#/id"}, [
    ("GetDocument", "GetDocument", "The document created (once published)."),
    ("GetForEditing", "EditingGetForEditing", "The document as editors see it."),
    ("ChangeDocument", "ChangeDocument", "Change it."),
    ("PublishDocument", "PublishPublishDocument", "Publish it."),
    ("WithdrawDocument", "WithdrawWithdrawDocument", "Withdraw it."),
    ("UploadFile", "FilesUploadFile", "Attach a file to it."),
    ("ListRevisions", "RevisionsListRevisions", "Its revisions.")])
"""From an answer carrying a document (its `id`) to the routes of that document."""

TRANSLATION_LINKS = links_to("V1TranslationsJobId", {"job_id": "$response.body#/id"}, [
    ("GetTranslation", "GetTranslation", "The job created."),
    ("TranslationChanges", "ChangesTranslationChanges", "What the translator changed."),
    ("Claim", "ClaimClaim", "Claim it."),
    ("SaveDraft", "DraftSaveDraft", "Save a draft of it."),
    ("Submit", "SubmitSubmit", "Submit it for review."),
    ("Approve", "ApproveApprove", "Approve it."),
    ("Reject", "RejectReject", "Send it back.")])
"""From an answer carrying a translation job (its `id`) to the routes of that job."""

DOCUMENT_DRAFT = {"type": "guide", "source_language": "es",
                  "title": {"es": "Guía de compras públicas sostenibles"},
                  "summary": {"es": "Criterios ambientales y sociales en las compras."},
                  "topics": ["sustainable_procurement"], "countries": ["CL"],
                  "published_on": "2026-03-02"}
DOCUMENT_CHANGES = {"title": {"en": "A guide to sustainable public procurement"},
                    "topics": ["sustainable_procurement", "msmes"]}
WITHDRAWAL = {"reason": "Replaced by the 2026 edition."}
MATERIAL = {"kind": "presentation", "source_language": "es",
            "title": {"es": "Presentación: compras públicas sostenibles"},
            "url": "https://example.org/slides.pdf"}
NEW_TRANSLATION = {"document_id": "doc_0190a1b2c3d4e5f6a7b8c9d0", "target_language": "pt",
                   "priority": 5, "due_at": "2026-06-01T12:00:00Z"}
DRAFT = {"segments": [{"id": "title-1", "target": "Guia de compras públicas sustentáveis"}],
         "version": 3}
REJECTION = {"reason": "The glossary term for 'licitación' is 'licitação'."}
GLOSSARY = {"entries": [{"terms": {"es": "licitación pública", "en": "public tender",
                                   "pt": "licitação pública", "fr": "appel d'offres public"}}]}
