"""RPC responders (`rpc.registration.*`) and the attendance consumer: parse, call a handler,
reply. The time of each request is read once from `Deps.clock`; the handlers' refusals
(`domain.errors.Refusal`) become the bus's error replies, or for the consumer a ServiceError
that shared.consumer dead-letters at once unless it may pass later."""

from __future__ import annotations

import logging
from datetime import datetime

from faststream.nats import NatsRouter

from services.registration.calendars import calendar, calendar_feed, session_url
from services.registration.desk_entrypoints import desk_responders
from services.registration.domain.errors import Refusal
from services.registration.events import CANCEL_ACTION, CONFIRM_ACTION
from services.registration.gathering_entrypoints import gathering_responders
from services.registration.handlers import (
    Deps,
    announcements,
    approvals,
    attendance,
    certificates,
    confirmation,
    gatherings,
    reading,
    registrations,
    sessions,
    translations,
)
from services.registration.handlers.tokens import subject_of
from services.registration.views import session_view
from shared.bus import RpcRoutes, ServiceError
from shared.consumer import PermanentFailure, delivered_subject, subscribe
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration.certificates import (
    CertificateCheck,
    CertificatePdf,
    CertificateRef,
    CorrectName,
    NameCorrected,
)
from shared.contracts.registration.events import AttendanceReport
from shared.contracts.registration.ingest import ANNOUNCEMENTS, AnnouncedEvent, AnnouncedSession
from shared.contracts.registration.rpc import (
    AttendanceRecorded,
    Calendar,
    CalendarRef,
    CancelByToken,
    CancelSession,
    ConfirmByToken,
    CreateSession,
    FeedQuery,
    ParticipantPage,
    PatchSession,
    RecordAttendance,
    Register,
    Registered,
    RegisterReply,
    RegistrationAction,
    RegistrationPage,
    RegistrationQuery,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
    Stats,
    StatsQuery,
)
from shared.contracts.translate.events import JobCompleted
from shared.service import Runtime

ATTENDANCE_SUBJECT = "ingest.registration.attendance.v1"
ANNOUNCEMENTS_DURABLE = "registration-announcements"
log = logging.getLogger(__name__)
TRANSLATIONS_DURABLE = "registration-translations"




def rpc_router(deps: Deps, public_base_url: str) -> NatsRouter:
    """Every `rpc.registration.<action>` responder; `public_base_url` is where the public site
    shows each session (the calendar feed links there)."""
    routes = RpcRoutes("registration")
    clock = deps.clock

    @routes.responder("create_session", CreateSession)
    async def create_session(request: CreateSession) -> SessionView:
        await gatherings.refuse_unknown_event(deps, request.fields.event_id)
        created = await sessions.create_session(deps, request.fields, clock())
        return session_view(created, include_secret=True)

    @routes.responder("patch_session", PatchSession)
    async def patch_session(request: PatchSession) -> SessionView:
        await gatherings.refuse_unknown_event(deps, request.fields.event_id)
        return session_view(await sessions.patch_session(
            deps, request.session_id, request.fields, unset_capacity=request.unset_capacity,
            force=request.force, now=clock()), include_secret=True)

    @routes.responder("publish_session", SessionRef)
    async def publish_session(request: SessionRef) -> SessionView:
        published = await sessions.publish(deps, request.session_id, clock())
        return session_view(published, include_secret=True)

    @routes.responder("cancel_session", CancelSession)
    async def cancel_session(request: CancelSession) -> SessionView:
        return session_view(await sessions.cancel_session(
            deps, request.session_id, request.reason, clock()), include_secret=True)

    @routes.responder("get_session", SessionRef)
    async def get_session(request: SessionRef) -> SessionView:
        session = await reading.session_shown(deps, request.session_id,
                                              include_secret=request.include_secret)
        return session_view(session, include_secret=request.include_secret)

    @routes.responder("calendar", CalendarRef)
    async def session_calendar(request: CalendarRef) -> Calendar:
        session = await reading.session_shown(deps, request.session_id, include_secret=False)
        return Calendar(ics=calendar(session, request.language,
                                     session_url(public_base_url, session["_id"])))

    @routes.responder("calendar_feed", FeedQuery)
    async def session_calendar_feed(request: FeedQuery) -> Calendar:
        upcoming = await reading.upcoming_sessions(deps, request, clock())
        return Calendar(ics=calendar_feed(upcoming, public_base_url, request.language))

    @routes.responder("list_sessions", SessionQuery)
    async def list_sessions(request: SessionQuery) -> SessionPage:
        if request.status == "past":
            request = request.model_copy(update={"ended_before": clock()})
        return await reading.session_page(deps, request)

    @routes.responder("register", Register)
    async def register(request: Register) -> RegisterReply:
        await gatherings.refuse_part_registration(deps, request.session_id)
        return await registrations.register(deps, request.session_id, request.form, clock())

    def holder_of(token: str, action: str) -> tuple[str, datetime]:
        """The registration a mailed token acts on, and the time it was checked at."""
        now = clock()
        return subject_of(deps.signer, token, action, now), now

    @routes.responder("confirm_by_token", ConfirmByToken)
    async def confirm_by_token(request: ConfirmByToken) -> Registered:
        registration_id, now = holder_of(request.token, CONFIRM_ACTION)
        return await confirmation.confirm(deps, registration_id, now)

    @routes.responder("describe_by_confirm_token", ConfirmByToken)
    async def describe_by_confirm_token(request: ConfirmByToken) -> ParticipantPage:
        registration_id, now = holder_of(request.token, CONFIRM_ACTION)
        return await registrations.describe(deps, registration_id, now)

    @routes.responder("cancel_by_token", CancelByToken)
    async def cancel_by_token(request: CancelByToken) -> Registered:
        registration_id, now = holder_of(request.token, CANCEL_ACTION)
        return await registrations.cancel(deps, registration_id, "participant", now)

    @routes.responder("describe_by_token", CancelByToken)
    async def describe_by_token(request: CancelByToken) -> ParticipantPage:
        registration_id, now = holder_of(request.token, CANCEL_ACTION)
        return await registrations.describe(deps, registration_id, now)

    @routes.responder("cancel_registration", RegistrationAction)
    async def cancel_registration(request: RegistrationAction) -> Registered:
        return await registrations.cancel(deps, request.registration_id, "secretariat", clock())

    @routes.responder("approve", RegistrationAction)
    async def approve(request: RegistrationAction) -> Registered:
        return await approvals.approve(deps, request.registration_id, clock())

    @routes.responder("reject", RegistrationAction)
    async def reject(request: RegistrationAction) -> Registered:
        return await approvals.reject(deps, request.registration_id, request.reason, clock())

    @routes.responder("list_registrations", RegistrationQuery)
    async def list_registrations(request: RegistrationQuery) -> RegistrationPage:
        return await reading.registration_page(deps, request)

    @routes.responder("record_attendance", RecordAttendance)
    async def record_attendance(request: RecordAttendance) -> AttendanceRecorded:
        return await attendance.record_attendance(deps, request.session_id, request.attendees,
                                                  clock())

    @routes.responder("verify_certificate", CertificateRef)
    async def verify_certificate(request: CertificateRef) -> CertificateCheck:
        return await certificates.verify(deps, request.code)

    @routes.responder("certificate_pdf", CancelByToken)
    async def certificate_pdf(request: CancelByToken) -> CertificatePdf:
        registration_id, _ = holder_of(request.token, CANCEL_ACTION)
        return await certificates.download(deps, registration_id, public_base_url)

    @routes.responder("correct_name", CorrectName)
    async def correct_name(request: CorrectName) -> NameCorrected:
        return await certificates.correct_name(deps, request.registration_id, request.name,
                                               clock())

    @routes.responder("stats", StatsQuery)
    async def stats(request: StatsQuery) -> Stats:
        return await attendance.statistics(deps, request, clock())

    gathering_responders(routes, deps)
    desk_responders(routes, deps)
    return routes.router


def ingest_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Attendance lists from the webinar platform (`ingest.registration.attendance.v1`) and
    sessions and events other systems announce (`ingest.registration.<source>.session.v1`,
    `.event.v1`)."""
    router = NatsRouter()

    async def on_announcement(event: CloudEvent) -> None:
        subject = delivered_subject(runtime)
        kind = AnnouncedEvent if subject.endswith(".event.v1") else AnnouncedSession
        item = kind.from_cloudevent(event)  # ValidationError: rejected, DLQ
        if subject != kind.subject_for(item.source):
            raise PermanentFailure("the data's source is not the one its subject names")
        try:
            if isinstance(item, AnnouncedEvent):
                draft_id, outcome = await announcements.when_an_event_is_announced(
                    deps, event.id, item, deps.clock())
            else:
                draft_id, outcome = await announcements.when_a_session_is_announced(
                    deps, event.id, item, deps.clock())
        except Refusal as refusal:  # fields that contradict each other: rejected at once
            raise ServiceError(refusal.code, refusal.message, refusal.details) from None
        log.info("announcement received", extra={"draft_id": draft_id, "outcome": outcome})

    async def on_attendance(event: CloudEvent) -> None:
        report = AttendanceReport.from_cloudevent(event)  # ValidationError: rejected, DLQ
        try:
            await attendance.record_attendance(deps, report.session_id, report.attendees,
                                               deps.clock())
        except Refusal as refusal:  # no such session: dead-lettered at once
            raise ServiceError(refusal.code, refusal.message, refusal.details) from None

    subscribe(router, runtime, subject=ATTENDANCE_SUBJECT, stream="INGEST",
              durable="registration-attendance", handler=on_attendance)
    subscribe(router, runtime, subject=ANNOUNCEMENTS, stream="INGEST",
              durable=ANNOUNCEMENTS_DURABLE, handler=on_announcement)
    return router


def translations_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Completed translation jobs: those of a session's texts are merged into it (the
    catalog takes the documents')."""
    router = NatsRouter()

    async def on_translation(event: CloudEvent) -> None:
        done = JobCompleted.from_cloudevent(event)  # ValidationError: rejected, DLQ
        try:
            await translations.when_translation_is_completed(deps, done, deps.clock())
        except Refusal as refusal:  # the session kept changing: retried
            raise ServiceError(refusal.code, refusal.message, refusal.details) from None

    subscribe(router, runtime, subject=JobCompleted.subject(), stream="TRANSLATE",
              durable=TRANSLATIONS_DURABLE, handler=on_translation)
    return router
