"""RPC responders of the secretariat's desk: personal invitations, the reschedule preview and
the webinar platform's attendance report. Parse, call a handler, reply; `entrypoints.rpc_router`
registers them with the others."""

from __future__ import annotations

from services.registration.domain.reschedule import reschedule_preview
from services.registration.handlers import Deps, attendance, invitations, session_of
from shared.bus import RpcRoutes
from shared.contracts.registration.desk import (
    AttendanceCsv,
    InvitationPage,
    InvitationQuery,
    InvitationRef,
    InvitationsSent,
    InvitationView,
    ReschedulePreview,
    ReschedulePreviewQuery,
    SendInvitations,
)
from shared.contracts.registration.rpc import AttendanceRecorded


def desk_responders(routes: RpcRoutes, deps: Deps) -> None:
    """`rpc.registration.*` of the secretariat's desk."""
    clock = deps.clock

    @routes.responder("invite_people", SendInvitations)
    async def invite_people(request: SendInvitations) -> InvitationsSent:
        return await invitations.invite(deps, request.session_id, request.invitees, clock())

    @routes.responder("list_invitations", InvitationQuery)
    async def list_invitations(request: InvitationQuery) -> InvitationPage:
        return InvitationPage(items=await invitations.invitations_of(
            deps, request.session_id, request.status))

    @routes.responder("revoke_invitation", InvitationRef)
    async def revoke_invitation(request: InvitationRef) -> InvitationView:
        return await invitations.revoke(deps, request.invitation_id, clock())

    @routes.responder("reschedule_preview", ReschedulePreviewQuery)
    async def preview(request: ReschedulePreviewQuery) -> ReschedulePreview:
        session = await session_of(deps, request.session_id)
        active = await deps.store.active_registrations(request.session_id)
        return reschedule_preview(session, active, request.starts_at, request.ends_at)

    @routes.responder("record_attendance_report", AttendanceCsv)
    async def record_attendance_report(request: AttendanceCsv) -> AttendanceRecorded:
        return await attendance.record_attendance_report(deps, request.session_id,
                                                         request.text, clock())
