"""The reviewer's view of a submitted job: each segment's draft beside the target with the
words changed, then Approve or Send back with a reason (required).

The same RPCs as `GET /v1/translations/{id}/changes`, `POST .../approve` and `.../reject`;
with four-eyes review the translator of a job may not review it, and the page says so.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, Response, get, post
from litestar.params import FromPath

from services.gateway.context import gateway_of
from services.gateway.site.render import reader_of
from services.gateway.staff.i18n import gettext
from services.gateway.staff.pages.translations import TRANSLATORS, back, job_path
from services.gateway.staff.pages.translations_calls import (
    TEXTS,
    actor_of,
    load_changes,
    load_job,
    refusal_of,
)
from services.gateway.staff.pages.translations_forms import edited_drafts
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.rpc import RpcFailure
from shared.contracts.translate.rpc import ActionReply, JobAction, RejectJob

REASON_LIMIT: Final = 2_000


async def _review_page(request: Request[Any, Any, Any], job_id: str, *,
                       errors: dict[str, str] | None = None, reason: str = "",
                       status: int = 200) -> Response[bytes]:
    job = await load_job(request, job_id)
    changes = await load_changes(request, job_id)
    return render_staff(request, StaffPage("translations_review.html", {**TEXTS,
        "job": job, "changes": changes, "edited": edited_drafts(changes),
        "errors": errors or {}, "reason": reason,
        "own_work": job.translator == actor_of(request), "reader": reader_of(request),
        "reason_limit": REASON_LIMIT}, status=status))


@get("/staff/translations/{job_id:str}/review", include_in_schema=False, guards=TRANSLATORS)
async def review(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[bytes]:
    """What the translator changed against the memory or machine draft, segment by segment."""
    return await _review_page(request, job_id)


@post("/staff/translations/{job_id:str}/approve", include_in_schema=False,
      guards=TRANSLATORS, status_code=200)
async def approve(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[Any]:
    """Accept the translation: the catalog receives the reviewed text."""
    try:
        await gateway_of(request.app).call(
            "translate", "approve", JobAction(job_id=job_id, actor=actor_of(request)),
            ActionReply)
    except RpcFailure as failure:
        status, error = refusal_of(failure, "approve")
        return await _review_page(request, job_id, errors={"approve": error}, status=status)
    return back(job_path(job_id, "approved"))


@post("/staff/translations/{job_id:str}/reject", include_in_schema=False,
      guards=TRANSLATORS, status_code=200)
async def reject(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[Any]:
    """Send the job back to its translator with the reason, which is required."""
    reason = str((await request.form()).get("reason", "")).strip()
    if not reason or len(reason) > REASON_LIMIT:
        return await _review_page(request, job_id, errors={"reason": _reason_error(reason)},
                                  reason=reason, status=422)
    try:
        await gateway_of(request.app).call(
            "translate", "reject", RejectJob(job_id=job_id, actor=actor_of(request),
                                             reason=reason), ActionReply)
    except RpcFailure as failure:
        status, error = refusal_of(failure, "reject")
        return await _review_page(request, job_id, errors={"reason": error}, reason=reason,
                                  status=status)
    return back(job_path(job_id, "rejected"))


def _reason_error(reason: str) -> str:
    if not reason:
        return gettext("Say why you send the job back, for the translator.")
    return gettext("The reason must be 2,000 characters or fewer.")


HANDLERS = [review, approve, reject]
