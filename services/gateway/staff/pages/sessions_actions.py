"""A session's page on the secretariat's desk and its status actions: publish, cancel with a
reason (after a confirmation step), reschedule (after a preview of who will be told) and
announce to subscribers.

The same RPCs as `/v1/sessions/{id}/publish`, `/cancel`, `PATCH /v1/sessions/{id}`,
`/reschedule-preview` and `/announce`. A refusal the secretariat can act on (a conflict, a
field) is shown on the page in words; anything else is the error page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from services.gateway.context import gateway_of
from services.gateway.site.formatting import aware, zone
from services.gateway.site.render import reader_of
from services.gateway.staff.pages import sessions_form as form
from services.gateway.staff.pages.sessions import (
    SECRETARIAT,
    SVC,
    back_to,
    desk_session,
    shown,
)
from services.gateway.staff.pages.sessions_agenda_render import timetable
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.registration.desk import ReschedulePreview, ReschedulePreviewQuery
from shared.contracts.registration.messages import Announcement, MessagePage, MessageRef
from shared.contracts.registration.rpc import (
    CancelSession,
    PatchSession,
    SessionFields,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure

DONE = {"published", "cancelled", "rescheduled", "announced", "saved", "invited"}
"""The notes a redirect may ask the session's page to show (`?done=`)."""
REASON_NEEDED = form.N_("Enter the reason, up to 2,000 characters.")


async def session_page(request: Request[Any, Any, Any], session: SessionView,
                       problem: str | None = None, status: int = 200) -> Response[bytes]:
    """The session's details, counts and actions, with a note of what was just done."""
    messages = await gateway_of(request.app).call(
        SVC, "list_messages", MessageRef(session_id=session.id), MessagePage)
    done = request.query_params.get("done")
    return render_staff(request, StaffPage("sessions_page.html", {
        "session": session, "reader": reader_of(request), "problem": problem,
        "done": done if done in DONE else None, "messages": messages.items,
        "announceable": announceable(session),
        "timetable": timetable(session.agenda, session.people,
                               zone(session.timezone) or UTC, reader_of(request).lang),
        "upcoming": aware(session.starts_at) > datetime.now(UTC)}, status=status))


@get("/staff/sessions/{session_id:str}", include_in_schema=False, guards=SECRETARIAT)
async def show_session(request: Request[Any, Any, Any],
                       session_id: FromPath[str]) -> Response[bytes]:
    """One session as the desk sees it."""
    return await session_page(request, await desk_session(request, session_id))


@post("/staff/sessions/{session_id:str}/publish", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def publish(request: Request[Any, Any, Any], session_id: FromPath[str]) -> Response[Any]:
    """Open registration; a session that cannot be published says why on its page."""
    try:
        await gateway_of(request.app).call(SVC, "publish_session",
                                           SessionRef(session_id=session_id[:64]), SessionView)
    except RpcFailure as failure:
        if failure.code != "conflict":
            raise
        return await session_page(request, await desk_session(request, session_id),
                                  "not_publishable", 409)
    return back_to(f"/staff/sessions/{session_id}?done=published")


@get("/staff/sessions/{session_id:str}/cancel", include_in_schema=False, guards=SECRETARIAT)
async def confirm_cancel(request: Request[Any, Any, Any],
                         session_id: FromPath[str]) -> Response[bytes]:
    """The confirmation step: what cancelling does, and the reason every participant reads."""
    session = await desk_session(request, session_id)
    return render_staff(request, StaffPage("sessions_cancel.html", {
        "session": session, "reader": reader_of(request), "errors": {}, "reason": ""}))


@post("/staff/sessions/{session_id:str}/cancel", include_in_schema=False, guards=SECRETARIAT,
      status_code=200)
async def cancel(request: Request[Any, Any, Any], session_id: FromPath[str]) -> Response[Any]:
    """Cancel with the reason typed; every participant is told."""
    reason = str((await request.form()).get("reason", "")).strip()
    if not reason or len(reason) > 2000:
        session = await desk_session(request, session_id)
        return render_staff(request, StaffPage("sessions_cancel.html", {
            "session": session, "reader": reader_of(request), "reason": reason[:2000],
            "errors": shown(request, {"reason": REASON_NEEDED}),
            "has_errors": True}, status=422))
    await gateway_of(request.app).call(
        SVC, "cancel_session", CancelSession(session_id=session_id[:64], reason=reason),
        SessionView)
    return back_to(f"/staff/sessions/{session_id}?done=cancelled")


def _reschedule_page(request: Request[Any, Any, Any], session: SessionView,
                     values: dict[str, Any], errors: dict[str, str],
                     preview: ReschedulePreview | None = None,
                     status: int = 200) -> Response[bytes]:
    return render_staff(request, StaffPage("sessions_reschedule.html", {
        "session": session, "values": values, "errors": shown(request, errors),
        "preview": preview,
        "has_errors": bool(errors), "reader": reader_of(request)}, status=status))


@get("/staff/sessions/{session_id:str}/reschedule", include_in_schema=False,
     guards=SECRETARIAT)
async def reschedule_form(request: Request[Any, Any, Any],
                          session_id: FromPath[str]) -> Response[bytes]:
    """New times, typed in the session's zone."""
    session = await desk_session(request, session_id)
    return _reschedule_page(request, session, form.values_of(session), {})


@post("/staff/sessions/{session_id:str}/reschedule", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def reschedule(request: Request[Any, Any, Any],
                     session_id: FromPath[str]) -> Response[Any]:
    """First press: the preview of who will be told. `confirm`: move the session."""
    session = await desk_session(request, session_id)
    posted = await request.form()
    values = {"starts_at": str(posted.get("starts_at", "")).strip(),
              "ends_at": str(posted.get("ends_at", "")).strip(), "timezone": session.timezone}
    starts, ends = (form.moment(values[n], session.timezone) for n in ("starts_at", "ends_at"))
    if starts is None or ends is None or ends <= starts:
        wrong = "starts_at" if starts is None else "ends_at"
        return _reschedule_page(request, session, values,
                                {wrong: form.MESSAGES[wrong]}, status=422)
    gateway = gateway_of(request.app)
    if posted.get("confirm") != "yes":
        preview = await gateway.call(SVC, "reschedule_preview", ReschedulePreviewQuery(
            session_id=session.id, starts_at=starts, ends_at=ends), ReschedulePreview)
        return _reschedule_page(request, session, values, {}, preview)
    moved = PatchSession(session_id=session.id,
                         fields=SessionFields(starts_at=starts, ends_at=ends))
    await gateway.call(SVC, "patch_session", moved, SessionView)
    return back_to(f"/staff/sessions/{session.id}?done=rescheduled")


def announceable(session: SessionView) -> bool:
    """Whether the service would announce it (published, public, not ended), as its
    `refuse_unless_announceable` says; the page offers the button only then."""
    return (session.status == "published" and session.visibility == "public"
            and aware(session.ends_at) > datetime.now(UTC))


@post("/staff/sessions/{session_id:str}/announce", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def announce(request: Request[Any, Any, Any], session_id: FromPath[str]) -> Response[Any]:
    """Mail the subscribers who follow its topics, once; a second press says it was done."""
    try:
        await gateway_of(request.app).call(SVC, "announce_session",
                                           SessionRef(session_id=session_id[:64]), Announcement)
    except RpcFailure as failure:
        if failure.code != "conflict":
            raise
        session = await desk_session(request, session_id)
        why = "announced_before" if announceable(session) else "not_announceable"
        return await session_page(request, session, why, 409)
    return back_to(f"/staff/sessions/{session_id}?done=announced")


HANDLERS = [show_session, publish, confirm_cancel, cancel, reschedule_form, reschedule,
            announce]
