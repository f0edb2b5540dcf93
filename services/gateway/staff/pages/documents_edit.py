"""Creating and editing a document: `/staff/documents/new` and `/staff/documents/{id}`.

The forms make the requests `POST /v1/documents` and `PATCH /v1/documents/{id}` make
(`rpc.catalog.create`, `rpc.catalog.change`), checked first against the same contract. A
refusal, the gateway's or the catalog's, shows the form again with what was typed, each fault
at its field and in the summary at the top (422).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from litestar import Request, Response, get, post

from services.gateway.context import gateway_of
from services.gateway.routes.ids import DocumentId
from services.gateway.site.render import pick, reader_of
from services.gateway.site.repository import file_kind, file_size
from services.gateway.staff.pages import documents_common as common
from services.gateway.staff.pages import documents_form as form
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.catalog.editing import EditingView
from shared.contracts.catalog.rpc import (
    ChangeDocument,
    CreateDocument,
    DocumentChanges,
    DocumentDraft,
    DocumentView,
    GetDocument,
)
from shared.contracts.rpc import RpcFailure
from shared.reference import DOCUMENT_TYPES, LANGUAGES, TOPICS

REFUSED_AT_FIELDS: Final = frozenset({"invalid", "too_large"})
DONE: Final = frozenset({"created", "saved", "attached", "duplicate", "published", "withdrawn"})
"""What `?done=` may say the last action did (anything else is not shown)."""


def options(lang: str) -> dict[str, Any]:
    """The choices of the form, labelled in the reader's language."""
    def labelled(vocabulary: Any) -> list[tuple[str, str]]:
        return sorted(((e.code, e.labels.for_language(lang)) for e in vocabulary),
                      key=lambda option: option[1].casefold())
    languages = [(c.code, c.labels.for_language(lang)) for c in LANGUAGES]
    return {"type_options": labelled(DOCUMENT_TYPES), "topic_options": labelled(TOPICS),
            "language_options": languages, "language_names": dict(languages),
            "text_languages": form.TEXT_LANGUAGES}


def page(request: Request[Any, Any, Any], values: form.Values, *, view: EditingView | None,
         errors: dict[str, str] | None = None, status: int = 200) -> Response[bytes]:
    """The document form (with the document's languages, files and actions once it exists)."""
    reader = common.speak(request)
    done = request.query_params.get("done", "")
    versions = [] if view is None else [
        (code, common.language_status_label(version.status),
         common.provenance(version, view.source), version)
        for code in form.TEXT_LANGUAGES if (version := view.languages.get(code))]
    return render_staff(request, StaffPage("documents_edit.html", {
        "values": values, "errors": common.in_language(request, errors or {}),
        "has_errors": bool(errors), "view": view,
        "done": done if done in DONE else "", "versions": versions,
        "status_label": common.status_label(view.status) if view else "",
        "moment": reader.moment, "number": reader.number, "file_kind": file_kind,
        "file_size": lambda size: file_size(size, reader.lang), **options(reader.lang)},
        status=status))


async def editing_view(request: Request[Any, Any, Any], document_id: str) -> EditingView:
    """The document with every language's texts (404/410 pages when there is none)."""
    ask = GetDocument(document_id=document_id, include_drafts=True)
    return await gateway_of(request.app).call("catalog", "editing", ask, EditingView)


def refused_fields(failure: RpcFailure, source_language: str) -> dict[str, str]:
    """The fields a service's refusal names (the whole form when it names none)."""
    errors = (failure.details or {}).get("errors")
    listed = errors if isinstance(errors, list) and errors else [{}]
    return form.field_errors([e for e in listed if isinstance(e, dict)] or [{}],
                             source_language)


async def _submitted(request: Request[Any, Any, Any]) -> form.Values:
    data = await request.form()
    return form.values_of_form(dict(data), data.getall("topics") if "topics" in data else [])


@get("/staff/documents/new", include_in_schema=False, guards=common.EDITORS)
async def new_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    """An empty form for a new draft."""
    return page(request, form.empty_values(), view=None)


@post("/staff/documents/new", include_in_schema=False, guards=common.EDITORS, status_code=200)
async def create_document(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create the draft, then edit it (files and publishing need it to exist)."""
    values = await _submitted(request)
    draft, errors = form.checked(values)
    if not isinstance(draft, DocumentDraft):
        return page(request, values, view=None, errors=errors, status=422)
    ask = CreateDocument(draft=draft, editor=common.editor_of(request))
    try:
        made = await gateway_of(request.app).call("catalog", "create", ask, DocumentView)
    except RpcFailure as failure:
        if failure.code not in REFUSED_AT_FIELDS:
            raise
        return page(request, values, view=None, status=422,
                    errors=refused_fields(failure, draft.source_language))
    return common.back_to(f"/staff/documents/{made.id}?done=created")


@get("/staff/documents/{document_id:str}", include_in_schema=False, guards=common.EDITORS)
async def edit_document(request: Request[Any, Any, Any],
                        document_id: DocumentId) -> Response[bytes]:
    """The document's form, its language versions, files, and what can be done with it; for
    a withdrawn one, what it still tells (its tombstone): nothing changes it any more."""
    try:
        view = await editing_view(request, document_id)
    except RpcFailure as failure:
        tombstone = (failure.details or {}).get("tombstone")
        if failure.code != "gone" or not isinstance(tombstone, dict):
            raise
        return withdrawn_page(request, tombstone)
    return page(request, form.values_of_view(view), view=view)


def withdrawn_page(request: Request[Any, Any, Any], tombstone: dict[str, Any]) -> Response[bytes]:
    """A withdrawn document as its tombstone tells it."""
    reader = reader_of(request)
    title, title_lang = pick(tombstone.get("title") or {}, reader.lang)
    when = str(tombstone.get("withdrawn_at") or "")
    return render_staff(request, StaffPage("documents_withdrawn.html", {
        "tombstone": tombstone, "title": title, "title_lang": title_lang,
        "withdrawn_at": reader.moment(datetime.fromisoformat(when)) if when else "",
        "type_label": reader.label("document_types", str(tombstone.get("type", ""))),
        "done": request.query_params.get("done") == "withdrawn"}))


@post("/staff/documents/{document_id:str}", include_in_schema=False, guards=common.EDITORS,
      status_code=200)
async def save_document(request: Request[Any, Any, Any],
                        document_id: DocumentId) -> Response[Any]:
    """Save the form; only what changed counts (the catalog compares), so an unchanged
    machine draft stays a machine draft."""
    view = await editing_view(request, document_id)
    values = {**await _submitted(request), "source_language": view.source_language}
    changes, errors = form.checked(values, form.values_of_view(view))
    if not isinstance(changes, DocumentChanges):
        return page(request, values, view=view, errors=errors, status=422)
    ask = ChangeDocument(document_id=view.id, changes=changes,
                         editor=common.editor_of(request))
    try:
        await gateway_of(request.app).call("catalog", "change", ask, DocumentView)
    except RpcFailure as failure:
        if failure.code not in REFUSED_AT_FIELDS:
            raise
        return page(request, values, view=view, status=422,
                    errors=refused_fields(failure, view.source_language))
    return common.back_to(f"/staff/documents/{view.id}?done=saved")


HANDLERS = [new_document, create_document, edit_document, save_document]
