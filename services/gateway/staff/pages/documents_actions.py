"""What an editor does to a document besides writing it: attach a file, publish, withdraw.

Each makes the request its `/v1` route makes: the upload goes through the files API's own
`store_upload`; publishing and withdrawing call `rpc.catalog.publish` / `withdraw`.
Withdrawing asks first, on a page of its own, with the reason to give.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from services.gateway.context import gateway_of
from services.gateway.routes.files import MAX_UPLOAD_BYTES, store_upload
from services.gateway.routes.ids import DocumentId
from services.gateway.staff.pages import documents_common as common
from services.gateway.staff.pages import documents_form as form
from services.gateway.staff.pages.documents_edit import REFUSED_AT_FIELDS, editing_view, page
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.catalog.rpc import DocumentAction, DocumentView
from shared.contracts.rpc import RpcFailure

MAX_REASON = 1_000


@post("/staff/documents/{document_id:str}/files", include_in_schema=False,
      guards=common.EDITORS, status_code=200, request_max_body_size=MAX_UPLOAD_BYTES + 65_536)
async def attach_file(
    request: Request[Any, Any, Any], document_id: DocumentId,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[Any]:
    """Attach the chosen file; a refused one is named at the file field."""
    view = await editing_view(request, document_id)
    upload = data.get("file") if isinstance(data, dict) else None
    refused = {"file": form.message_for("file")}
    if not isinstance(upload, UploadFile) or not upload.filename:
        return page(request, form.values_of_view(view), view=view, errors=refused, status=422)
    try:
        attached = await store_upload(gateway_of(request.app), view.id, upload,
                                      common.editor_of(request))
    except RpcFailure as failure:
        if failure.code not in REFUSED_AT_FIELDS:
            raise
        return page(request, form.values_of_view(view), view=view, errors=refused, status=422)
    if attached is None:
        return page(request, form.values_of_view(view), view=view, errors=refused, status=422)
    done = "duplicate" if attached.duplicate else "attached"
    return common.back_to(f"/staff/documents/{view.id}?done={done}#files")


@post("/staff/documents/{document_id:str}/publish", include_in_schema=False,
      guards=common.EDITORS, status_code=200)
async def publish_document(request: Request[Any, Any, Any],
                           document_id: DocumentId) -> Response[Any]:
    """Make the draft public (missing languages are then sent to translation)."""
    ask = DocumentAction(document_id=document_id, editor=common.editor_of(request))
    made = await gateway_of(request.app).call("catalog", "publish", ask, DocumentView)
    return common.back_to(f"/staff/documents/{made.id}?done=published")


def _withdraw_page(request: Request[Any, Any, Any], view: DocumentView, reason: str,
                   error: str | None = None) -> Response[bytes]:
    errors = common.in_language(request, {"reason": error} if error else {})
    return render_staff(request, StaffPage("documents_withdraw.html", {
        "view": view, "reason": reason, "errors": errors, "has_errors": bool(errors)},
        status=422 if error else 200))


@get("/staff/documents/{document_id:str}/withdraw", include_in_schema=False,
     guards=common.EDITORS)
async def confirm_withdrawal(request: Request[Any, Any, Any],
                             document_id: DocumentId) -> Response[bytes]:
    """Ask for the reason and a confirmation before taking the document down."""
    return _withdraw_page(request, await editing_view(request, document_id), "")


@post("/staff/documents/{document_id:str}/withdraw", include_in_schema=False,
      guards=common.EDITORS, status_code=200)
async def withdraw_document(request: Request[Any, Any, Any],
                            document_id: DocumentId) -> Response[Any]:
    """Take the document down, with the reason given (readers then get its tombstone). The
    API lets a machine omit the reason; a person is asked for one."""
    reason = str((await request.form()).get("reason", "")).strip()
    if not reason or len(reason) > MAX_REASON:
        view = await editing_view(request, document_id)
        return _withdraw_page(request, view, reason, form.message_for("reason"))
    ask = DocumentAction(document_id=document_id, editor=common.editor_of(request),
                         reason=reason)
    made = await gateway_of(request.app).call("catalog", "withdraw", ask, DocumentView)
    return common.back_to(f"/staff/documents/{made.id}?done=withdrawn")


HANDLERS = [attach_file, publish_document, confirm_withdrawal, withdraw_document]
