"""The secretariat's table of a session's registrations (`/staff/sessions/{id}/registrations`):
filtered by status and country, paged; approve, reject with a reason, cancel; the CSV export;
and attendance from the webinar platform's report, with the rows that matched nobody.

The same RPCs as `GET /v1/sessions/{id}/registrations`, `POST /v1/registrations/{id}/...` and
`POST /v1/sessions/{id}/attendance` (routes/registration.py, routes/desk.py). Names and
addresses are shown in the table (that is the job) but never put in a path or a log: rows
are named by registration id, and the audit records only the route and its ids.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from services.gateway.context import gateway_of
from services.gateway.problems import RPC_STATUS
from services.gateway.routes.registration import _csv as registrations_csv
from services.gateway.site.render import reader_of
from services.gateway.staff.i18n import gettext
from services.gateway.staff.pages import registrations_view as view
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.registration.desk import AttendanceCsv
from shared.contracts.registration.rpc import (
    AttendanceRecorded,
    Registered,
    RegistrationAction,
    RegistrationPage,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure

SECRETARIAT = [staff_only("secretariat")]
SVC = "registration"
REPORT_MAX_BYTES = 900_000
"""The largest report the RPC takes (`AttendanceCsv.text`); about 10,000 rows."""
RPC_OF = {"approve": "approve", "reject": "reject", "cancel": "cancel_registration"}


async def _table(request: Request[Any, Any, Any], session_id: str, filters: view.Filters, *,
                 error: dict[str, str] | None = None, outcome: AttendanceRecorded | None = None,
                 status: int = 200) -> Response[bytes]:
    gateway = gateway_of(request.app)
    session = await gateway.call(SVC, "get_session",
                                 SessionRef(session_id=session_id, include_secret=True),
                                 SessionView)
    page = await gateway.call(SVC, "list_registrations", filters.query(session_id),
                              RegistrationPage)
    if filters.country_error:
        error = {"country": gettext("Enter a country as its two-letter code, such as PA."),
                 **(error or {})}
    reader = reader_of(request)
    return render_staff(request, StaffPage("registrations_table.html", {
        "session": session, "title": _title(session, reader.lang), "rows": page.items,
        "filters": filters, "first_href": view.first_page(filters).href(session_id),
        "next_href": filters.href(session_id, page.last) if page.last else None,
        "statuses_options": [(s, view.status_label(s)) for s in view.STATUSES],
        "status_label": view.status_label, "cancellable": view.CANCELLABLE,
        "country_name": lambda code: view.country_name(code, reader.lang),
        "reader": reader, "error": error or {}, "outcome": outcome,
        "unmatched_reason": view.unmatched_reason,
        "notice": view.DONE_NOTICES.get(request.query_params.get("done", "")),
        "csv_href": view.first_page(filters).href(session_id).replace(
            "/registrations", "/registrations.csv", 1)}, status=status))


def _title(session: SessionView, lang: str) -> str:
    return session.title.get(lang) or next(iter(session.title.values()), session.id)  # type: ignore[call-overload]


@get("/staff/sessions/{session_id:str}/registrations", include_in_schema=False,
     guards=SECRETARIAT)
async def registrations(request: Request[Any, Any, Any],
                        session_id: FromPath[str]) -> Response[bytes]:
    """One page of the session's registrations, filtered."""
    filters = view.filters_from(request.query_params)
    return await _table(request, session_id, filters,
                        status=422 if filters.country_error else 200)


@get("/staff/sessions/{session_id:str}/registrations.csv", include_in_schema=False,
     guards=SECRETARIAT)
async def registrations_csv_file(request: Request[Any, Any, Any],
                                 session_id: FromPath[str]) -> Response[str]:
    """Every registration matching the filters, as the API's `Accept: text/csv` export (a
    link cannot set that header)."""
    filters = view.filters_from(request.query_params)
    text = await registrations_csv(gateway_of(request.app), filters.query(session_id))
    name = re.sub(r"[^A-Za-z0-9_-]", "", session_id)[:40] or "session"
    return Response(text, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="registrations-{name}.csv"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@post("/staff/sessions/{session_id:str}/registrations/{registration_id:str}/{action:str}",
      include_in_schema=False, guards=SECRETARIAT, status_code=200)
async def act(request: Request[Any, Any, Any], session_id: FromPath[str],
              registration_id: FromPath[str], action: FromPath[str]) -> Response[Any]:
    """Approve, reject (a reason is required: it is mailed) or cancel one registration, then
    back to the table as it was filtered."""
    if action not in view.ACTIONS:
        raise NotFoundException()
    form = dict(await request.form())
    filters = view.filters_from(form)
    reason = str(form.get("reason", "")).strip()[:2000] or None
    if action == "reject" and reason is None:
        return await _table(request, session_id, filters, status=422, error={
            f"reason-{registration_id}": gettext("Enter the reason for rejecting; the "
                                                 "person is told it.")})
    try:
        await gateway_of(request.app).call(SVC, RPC_OF[action], RegistrationAction(
            registration_id=registration_id, reason=reason), Registered)
    except RpcFailure as failure:
        if RPC_STATUS[failure.code] >= 500:
            raise
        return await _table(request, session_id, filters, status=RPC_STATUS[failure.code],
                            error={f"row-{registration_id}": gettext(
                                "This registration could not be changed: its status no "
                                "longer allows it.")})
    return Redirect(filters.href(session_id, done=action), status_code=303,
                    headers={"Cache-Control": "no-store"})


@post("/staff/sessions/{session_id:str}/attendance", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def attendance(request: Request[Any, Any, Any],
                     session_id: FromPath[str]) -> Response[bytes]:
    """Record attendance from the platform's report; the answer lists the rows that matched
    no confirmed registration, by row number and reason."""
    form = await request.form()
    upload = form.get("report")
    data = await upload.read(REPORT_MAX_BYTES + 1) if isinstance(upload, UploadFile) else b""
    filters = view.filters_from(form)
    problem = _report_problem(data)
    if problem is not None:
        return await _table(request, session_id, filters, status=422,
                            error={"report": problem})
    report = AttendanceCsv(session_id=session_id, text=data.decode("utf-8"))
    try:
        outcome = await gateway_of(request.app).call(SVC, "record_attendance_report", report,
                                                     AttendanceRecorded)
    except RpcFailure as failure:
        if failure.code != "invalid":
            raise
        return await _table(request, session_id, filters, status=422,
                            error={"report": view.report_fault(failure)})
    return await _table(request, session_id, filters, outcome=outcome)


def _report_problem(data: bytes) -> str | None:
    if not data.strip():
        return gettext("Choose the attendance report (a CSV file) to upload.")
    if len(data) > REPORT_MAX_BYTES:
        return gettext("The report is too large: upload at most 900 KB.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return gettext("The report is not UTF-8 text: save it as CSV (UTF-8) and upload it "
                       "again.")
    return None


HANDLERS = [registrations, registrations_csv_file, act, attendance]
