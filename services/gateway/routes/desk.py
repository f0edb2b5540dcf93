"""The secretariat's desk over the API (the staff pages call the same operations): personal
invitations, the reschedule preview, and attendance from the webinar platform's report.

Mounted with the registration routes (`registration.KEYED_HANDLERS`); every route is guarded
by role. Addresses in invitations and reports are never logged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import JSONBody, QueryParameter

from services.gateway.auth import SECURITY, requires_role
from services.gateway.context import Gateway
from services.gateway.problems import parse_body, problem, problem_responses
from services.gateway.routes.ids import path_id
from services.gateway.routes.materials import SessionId
from services.gateway.routes.openapi_docs import (
    JsonBody,
    RawSchema,
    as_datetime,
    date_time_query,
    model_schema,
    operation,
)
from services.gateway.routes.queries import parse
from shared.contracts.registration.desk import (
    AttendanceCsv,
    InvitationPage,
    InvitationQuery,
    InvitationRef,
    InvitationsSent,
    InvitationStatus,
    InvitationView,
    InvitePeople,
    ReschedulePreview,
    ReschedulePreviewQuery,
    SendInvitations,
)
from shared.contracts.registration.rpc import AttendanceRecorded, RecordAttendance

SECRETARIAT = [requires_role("secretariat")]
SVC = "registration"
CSV_TYPES = ("text/csv", "application/csv")
InvitationId = Annotated[str, path_id("An invitation's id.")]
INVITATION = {"invitees": [{"name": "Ana", "email": "ana@example.org", "language": "es"}]}
ATTENDANCE = {"attendees": [{"email": "ana@example.org", "minutes": 55}]}


@post("/sessions/{session_id:str}/invitations", summary="Invite people to a session",
      status_code=200, guards=SECRETARIAT, security=SECURITY,
      responses=problem_responses(401, 403, 404, 409, 422),
      operation_class=operation(JsonBody(InvitePeople, INVITATION, stripped=True)))
async def invite_people(gateway: NamedDependency[Gateway], session_id: SessionId,
                        data: JSONBody[InvitePeople]) -> InvitationsSent:
    """One personal invitation per address, each mailed its own link (the session's page
    with its token) in its language; an address invited before keeps its invitation and is
    not mailed again. Only an invite-only session not cancelled nor started (409)."""
    request = SendInvitations(session_id=session_id, invitees=data.invitees)
    return await gateway.call(SVC, "invite_people", request, InvitationsSent)


@get("/sessions/{session_id:str}/invitations", summary="A session's invitations",
     guards=SECRETARIAT, security=SECURITY, responses=problem_responses(401, 403, 404, 422))
async def list_invitations(
    gateway: NamedDependency[Gateway], session_id: SessionId,
    status: Annotated[InvitationStatus | None, QueryParameter()] = None,
) -> InvitationPage:
    """Every invitation of the session in the order sent: `sent`, `used` (with the
    registration made with it) or `revoked`."""
    query = InvitationQuery(session_id=session_id, status=status)
    return await gateway.call(SVC, "list_invitations", query, InvitationPage)


@post("/invitations/{invitation_id:str}/revoke", summary="Revoke an invitation",
      status_code=200, guards=SECRETARIAT, security=SECURITY,
      responses=problem_responses(401, 403, 404, 409))
async def revoke_invitation(gateway: NamedDependency[Gateway],
                            invitation_id: InvitationId) -> InvitationView:
    """Its link then refuses registration (403, saying it was revoked). A used invitation
    stays (409): cancel its registration instead."""
    return await gateway.call(SVC, "revoke_invitation",
                              InvitationRef(invitation_id=invitation_id), InvitationView)


@get("/sessions/{session_id:str}/reschedule-preview", summary="Who a reschedule would tell",
     guards=SECRETARIAT, security=SECURITY, responses=problem_responses(401, 403, 404, 422))
async def reschedule_preview(
    gateway: NamedDependency[Gateway], session_id: SessionId,
    starts_at: Annotated[str, date_time_query("starts_at", "The new start (with zone).",
                                              required=True)],
    ends_at: Annotated[str, date_time_query("ends_at", "The new end (with zone).",
                                            required=True)],
) -> ReschedulePreview:
    """Counts of the people a move to these times would mail, by language, and of the other
    registrations, by status (no addresses). Nothing changes."""
    query = parse(ReschedulePreviewQuery, {"session_id": session_id,
                                           "starts_at": as_datetime(starts_at, "starts_at"),
                                           "ends_at": as_datetime(ends_at, "ends_at")})
    return await gateway.call(SVC, "reschedule_preview", query, ReschedulePreview)


@dataclass
class AttendanceUpload(Operation):
    """The attendance route's body in the OpenAPI document: a JSON list, or the platform's
    CSV report (the handler reads the body itself, so Litestar cannot infer either)."""

    def __post_init__(self) -> None:
        listed = RawSchema(model_schema(RecordAttendance, ("session_id",), stripped=True))
        report = Schema(type=OpenAPIType.STRING, description=(
            "The webinar platform's report: a header row naming an e-mail column (`Email`, "
            "`E-mail`, `User Email`, ...) and a minutes column (`Minutes`, `Duration`, "
            "`Duration (Minutes)`, ...), any case; `,` `;` or tab; a BOM is fine. Rows of "
            "one address add up."))
        self.request_body = RequestBody(required=True, content={
            "application/json": OpenAPIMediaType(schema=listed, example=ATTENDANCE),
            "text/csv": OpenAPIMediaType(schema=report)})


@post("/sessions/{session_id:str}/attendance", summary="Record attendance", status_code=200,
      guards=SECRETARIAT, security=SECURITY, operation_class=AttendanceUpload,
      responses=problem_responses(401, 403, 404, 422))
async def record_attendance(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                            session_id: SessionId) -> AttendanceRecorded:
    """E-mails or registration ids with minutes attended (JSON), or the platform's report
    (`Content-Type: text/csv`). Lines that match no confirmed registration are answered by
    row, with the reason; a row that cannot be read is a 422 naming it."""
    body = await request.body()
    if request.headers.get("content-type", "").split(";")[0].strip().lower() in CSV_TYPES:
        report = AttendanceCsv(session_id=session_id, text=_text(body))
        return await gateway.call(SVC, "record_attendance_report", report, AttendanceRecorded)
    listed = parse_body(RecordAttendance, _json(body), session_id=session_id)
    return await gateway.call(SVC, "record_attendance", listed, AttendanceRecorded)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid_body("The report is not UTF-8 text.") from None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise _invalid_body("The body is neither JSON nor `text/csv`.") from None


def _invalid_body(message: str) -> Exception:
    return problem(422, message, kind="invalid-request",
                   extensions={"errors": [{"field": "body", "message": message,
                                           "source": "body"}]})


DESK_HANDLERS = [invite_people, list_invitations, revoke_invitation, reschedule_preview,
                 record_attendance]
"""Mounted under `/v1` with the registration service's keyed routes."""
