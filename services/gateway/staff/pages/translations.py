"""The translators' editor: the job queue, one job side by side, claim, save and submit.

Pages call the same RPCs as `/v1/translations` (services/gateway/routes/translate.py), with
the signed-in account's id as the actor, so claims, drafts and four-eyes review work the same
for a person here and a key there. Forms post, then redirect back (POST, redirect, GET); the
save form also answers JSON to the page's script, which saves each segment as the translator
leaves it (static/staff-translations.js). The review pages are in `translations_review`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from services.gateway.context import gateway_of
from services.gateway.site.render import reader_of
from services.gateway.staff.pages import translations_forms as rules
from services.gateway.staff.pages.translations_calls import (
    DONE_MESSAGES,
    TEXTS,
    actor_of,
    is_conflict,
    load_job,
    refusal_of,
)
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.rpc import RpcFailure
from shared.contracts.translate.rpc import (
    ActionReply,
    ClaimReply,
    JobAction,
    JobPage,
    JobView,
    SaveDraft,
)

TRANSLATORS: Final = [staff_only("translator")]
DONE: Final = frozenset(DONE_MESSAGES)
"""What a redirect after a form may report on the job page (`?done=`)."""


def job_path(job_id: str, done: str | None = None) -> str:
    """The job's editor page, with what was just done to report."""
    path = f"/staff/translations/{quote(job_id, safe='')}"
    return f"{path}?{urlencode({'done': done})}" if done else path


def back(path: str) -> Redirect:
    """A redirect after a form (303: the browser GETs the page)."""
    return Redirect(path, status_code=303, headers={"Cache-Control": "no-store"})


@get("/staff/translations", include_in_schema=False, guards=TRANSLATORS)
async def queue(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Jobs, most urgent first, filtered by language pair, status and due date; paged."""
    filters = rules.queue_filters(request.query_params)
    page = (JobPage(items=[]) if filters.query is None else await gateway_of(request.app).call(
        "translate", "list_jobs", filters.query, JobPage))
    following = {k: v for k, v in filters.values.items() if v and k != "after"}
    next_page = (f"/staff/translations?{urlencode({**following, 'after': page.next})}"
                 if page.next else None)
    first_page = (f"/staff/translations?{urlencode(following)}"
                  if filters.values["after"] else None)
    return render_staff(request, StaffPage("translations_queue.html", {**TEXTS,
        "jobs": page.items, "filters": filters.values, "invalid": filters.query is None,
        "statuses": rules.STATUSES, "language_codes": rules.LANGUAGE_CODES,
        "reader": reader_of(request), "next_page": next_page, "first_page": first_page},
        status=200 if filters.query is not None else 422))


async def _job_page(request: Request[Any, Any, Any], job: JobView, *, error: str | None = None,
                    typed: Mapping[str, str] | None = None, status: int = 200) -> Response[bytes]:
    """The editor. After a conflict the textareas show the job as it is now and what was
    typed is listed apart (nothing overwrites another's save unseen); after another refusal
    they keep what was typed."""
    actor, now = actor_of(request), datetime.now(UTC)
    done, typed = request.query_params.get("done"), typed or {}
    conflict = is_conflict(status)
    return render_staff(request, StaffPage("translations_job.html", {**TEXTS,
        "job": job, "rows": rules.segment_rows(job, {} if conflict else typed),
        "unsaved": rules.unsaved(job, typed) if conflict else {},
        "editable": rules.may_edit(job, actor, now),
        "claimable": rules.may_claim(job, actor, now),
        "holds_claim": rules.holds_claim(job, actor, now),
        "taken": rules.taken_by_another(job, actor, now), "reader": reader_of(request),
        "done": done if done in DONE else None, "error": error,
        "field": rules.TARGET_FIELD}, status=status))


@get("/staff/translations/{job_id:str}", include_in_schema=False, guards=TRANSLATORS)
async def job_page(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[bytes]:
    """One job side by side: sources left, targets right, with memory suggestions, glossary
    terms and the machine draft labelled as machine."""
    return await _job_page(request, await load_job(request, job_id))


@post("/staff/translations/{job_id:str}/claim", include_in_schema=False, guards=TRANSLATORS,
      status_code=200)
async def claim(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[Any]:
    """Claim the job (also one still waiting for its machine draft), or renew the claim."""
    try:
        await gateway_of(request.app).call(
            "translate", "claim", JobAction(job_id=job_id, actor=actor_of(request)), ClaimReply)
    except RpcFailure as failure:
        status, error = refusal_of(failure, "claim")
        return await _job_page(request, await load_job(request, job_id), error=error,
                               status=status)
    return back(job_path(job_id, "claimed"))


async def _save(request: Request[Any, Any, Any], job_id: str,
                form: Mapping[str, Any]) -> JobView | None:
    """Save the segments the form changed over the version it was rendered from; None if
    the form changed nothing. A refusal (409 when the job moved on) raises RpcFailure."""
    job = await load_job(request, job_id)
    edited = rules.edited_segments(job, form)
    if not edited:
        return None
    request_ = SaveDraft(job_id=job_id, actor=actor_of(request), segments=edited,
                         version=rules.form_version(form))
    reply = await gateway_of(request.app).call("translate", "save_draft", request_, ActionReply)
    return reply.job


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return "application/json" in request.headers.get("accept", "")


@post("/staff/translations/{job_id:str}", include_in_schema=False, guards=TRANSLATORS,
      status_code=200)
async def save(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[Any]:
    """Save every segment the form changed; the page's script sends one segment at a time
    and reads the new `version` from the JSON answer."""
    form = dict(await request.form())
    try:
        saved = await _save(request, job_id, form)
    except RpcFailure as failure:
        status, error = refusal_of(failure, "save")
        if _wants_json(request):
            return Response({"error": error}, status_code=status,
                            headers={"Cache-Control": "no-store"})
        return await _job_page(request, await load_job(request, job_id), error=error,
                               typed=rules.typed_targets(form), status=status)
    if _wants_json(request):
        version = saved.version if saved else rules.form_version(form)
        return Response({"version": version}, headers={"Cache-Control": "no-store"})
    return back(job_path(job_id, "saved"))


@post("/staff/translations/{job_id:str}/submit", include_in_schema=False, guards=TRANSLATORS,
      status_code=200)
async def submit(request: Request[Any, Any, Any], job_id: FromPath[str]) -> Response[Any]:
    """Save what the form changed, then hand the job in for review."""
    form = dict(await request.form())
    gateway = gateway_of(request.app)
    try:
        await _save(request, job_id, form)
        await gateway.call("translate", "submit",
                           JobAction(job_id=job_id, actor=actor_of(request)), ActionReply)
    except RpcFailure as failure:
        status, error = refusal_of(failure, "submit")
        return await _job_page(request, await load_job(request, job_id), error=error,
                               typed=rules.typed_targets(form), status=status)
    return back(job_path(job_id, "submitted"))


@get("/translations/jobs/{job_id:str}", include_in_schema=False, opt={"no_csrf": True})
async def old_job_address(job_id: FromPath[str]) -> Redirect:
    """Mails sent before the staff pages linked here: the job's page is now under /staff."""
    return Redirect(job_path(job_id), status_code=301)


HANDLERS = [queue, job_page, claim, save, submit, old_job_address]
