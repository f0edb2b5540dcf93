"""OpenAPI links from the registration service's create answers to the routes that use the
id they return: generated clients, and Schemathesis' stateful phase, follow them. Targets are
named by operation id (Litestar's, from the mounted path and the handler's name); a unit test
checks that each one is in the document. Also the shape of a registration id in a path."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

from services.gateway.routes.openapi_docs import links_to

RegistrationId = Annotated[str, PathParameter(pattern=r"^[0-9A-Za-z_-]{1,64}$",
                                              description="A registration's id.")]
"""What a registration's id looks like (its routes' path parameter)."""

SESSION_LINKS = links_to("V1Sessions", {"session_id": "$response.body#/id"}, [
    ("GetSession", "SessionIdGetSession", "The session created."),
    ("PatchSession", "SessionIdPatchSession", "Change it."),
    ("PublishSession", "SessionIdPublishPublishSession", "Publish it."),
    ("CancelSession", "SessionIdCancelCancelSession", "Cancel it."),
    ("Calendar", "SessionIdCalendarIcsSessionCalendar", "Its iCalendar file."),
    ("Register", "SessionIdRegistrationsRegister", "Register for it."),
    ("ListRegistrations", "SessionIdRegistrationsListRegistrations", "Its registrations."),
    ("InvitePeople", "SessionIdInvitationsInvitePeople", "Invite people to it."),
    ("ListInvitations", "SessionIdInvitationsListInvitations", "Its invitations."),
    ("ReschedulePreview", "SessionIdReschedulePreviewReschedulePreview",
     "Who a reschedule would tell."),
    ("RecordAttendance", "SessionIdAttendanceRecordAttendance", "Record attendance."),
    ("SendMessage", "SessionIdMessagesSendMessage", "Mail its registrants."),
    ("ListMessages", "SessionIdMessagesListMessages", "Its messages."),
    ("Announce", "SessionIdAnnounceAnnounceSession", "Announce it.")])
REGISTRATION_LINKS = links_to(
    "V1RegistrationsRegistrationId", {"registration_id": "$response.body#/registration_id"}, [
    ("Approve", "ApproveAct", "Approve it."), ("Reject", "RejectAct", "Reject it."),
    ("Cancel", "CancelAct", "Cancel it."),
    ("CorrectName", "NameCorrectName", "Correct the participant's name.")])
