"""RPC responders (`rpc.registration.*`) and the attendance consumer: parse, call, reply."""

from __future__ import annotations

from datetime import UTC, datetime

from faststream.nats import NatsRouter

from services.registration.calendars import calendar, calendar_feed
from services.registration.events import CANCEL_ACTION, CONFIRM_ACTION
from services.registration.handlers import (
    Deps,
    approvals,
    attendance,
    confirmation,
    registrations,
    sessions,
    tokens,
)
from services.registration.views import (
    FEED_MAX,
    feed_search,
    registration_view,
    session_position,
    session_search,
    session_view,
)
from shared.bus import RpcRoutes, ServiceError
from shared.consumer import subscribe
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration import (
    AttendanceRecorded,
    AttendanceReport,
    Calendar,
    CancelByToken,
    CancelSession,
    ConfirmByToken,
    CreateSession,
    Invitation,
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
from shared.service import Runtime

ATTENDANCE_SUBJECT = "ingest.registration.attendance.v1"


def now() -> datetime:
    return datetime.now(UTC)


def rpc_router(deps: Deps, public_base_url: str) -> NatsRouter:
    """Every `rpc.registration.<action>` responder; `public_base_url` is where the public site
    shows each session (the calendar feed links there)."""
    routes = RpcRoutes("registration")
    store = deps.store

    @routes.responder("create_session", CreateSession)
    async def create_session(request: CreateSession) -> SessionView:
        created = await sessions.create_session(deps, request.fields, now())
        return session_view(created, include_secret=True)

    @routes.responder("patch_session", PatchSession)
    async def patch_session(request: PatchSession) -> SessionView:
        return session_view(await sessions.patch_session(
            deps, request.session_id, request.fields, unset_capacity=request.unset_capacity,
            force=request.force, now=now()), include_secret=True)

    @routes.responder("publish_session", SessionRef)
    async def publish_session(request: SessionRef) -> SessionView:
        published = await sessions.publish(deps, request.session_id, now())
        return session_view(published, include_secret=True)

    @routes.responder("cancel_session", CancelSession)
    async def cancel_session(request: CancelSession) -> SessionView:
        return session_view(await sessions.cancel_session(
            deps, request.session_id, request.reason, now()), include_secret=True)

    @routes.responder("get_session", SessionRef)
    async def get_session(request: SessionRef) -> SessionView:
        session = await store.session(request.session_id)
        if session is None or (session["status"] == "draft" and not request.include_secret):
            raise ServiceError("not_found", f"There is no session {request.session_id!r}.")
        return session_view(session, include_secret=request.include_secret)

    @routes.responder("calendar", SessionRef)
    async def session_calendar(request: SessionRef) -> Calendar:
        session = await store.session(request.session_id)
        if session is None or session["status"] == "draft":
            raise ServiceError("not_found", f"There is no session {request.session_id!r}.")
        return Calendar(ics=calendar(session))

    @routes.responder("calendar_feed", SessionQuery)
    async def session_calendar_feed(request: SessionQuery) -> Calendar:
        upcoming = await store.session_page(*feed_search(request, now()), FEED_MAX)
        return Calendar(ics=calendar_feed(upcoming, public_base_url))

    @routes.responder("invite", SessionRef)
    async def invite(request: SessionRef) -> Invitation:
        session = await store.session(request.session_id)
        if session is None:
            raise ServiceError("not_found", f"There is no session {request.session_id!r}.")
        return tokens.invitation(deps.signer, session, now())

    @routes.responder("list_sessions", SessionQuery)
    async def list_sessions(request: SessionQuery) -> SessionPage:
        found = await store.session_page(*session_search(request), request.limit)
        full = len(found) == request.limit
        last = session_position(found[-1], request.order) if full else None
        return SessionPage(items=[session_view(s) for s in found], last=last)

    @routes.responder("register", Register)
    async def register(request: Register) -> RegisterReply:
        return await registrations.register(deps, request.session_id, request.form, now())

    @routes.responder("confirm_by_token", ConfirmByToken)
    async def confirm_by_token(request: ConfirmByToken) -> Registered:
        registration_id = tokens.registration_id_of_token(
            deps.signer, request.token, CONFIRM_ACTION, now())
        return await confirmation.confirm(deps, registration_id, now())

    @routes.responder("describe_by_confirm_token", ConfirmByToken)
    async def describe_by_confirm_token(request: ConfirmByToken) -> ParticipantPage:
        registration_id = tokens.registration_id_of_token(
            deps.signer, request.token, CONFIRM_ACTION, now())
        return await registrations.describe(deps, registration_id, now())

    @routes.responder("cancel_by_token", CancelByToken)
    async def cancel_by_token(request: CancelByToken) -> Registered:
        registration_id = tokens.registration_id_of_token(
            deps.signer, request.token, CANCEL_ACTION, now())
        return await registrations.cancel(deps, registration_id, "participant", now())

    @routes.responder("describe_by_token", CancelByToken)
    async def describe_by_token(request: CancelByToken) -> ParticipantPage:
        registration_id = tokens.registration_id_of_token(
            deps.signer, request.token, CANCEL_ACTION, now())
        return await registrations.describe(deps, registration_id, now())

    @routes.responder("cancel_registration", RegistrationAction)
    async def cancel_registration(request: RegistrationAction) -> Registered:
        return await registrations.cancel(deps, request.registration_id, "secretariat", now())

    @routes.responder("approve", RegistrationAction)
    async def approve(request: RegistrationAction) -> Registered:
        return await approvals.approve(deps, request.registration_id, now())

    @routes.responder("reject", RegistrationAction)
    async def reject(request: RegistrationAction) -> Registered:
        if not request.reason:
            raise ServiceError("invalid", "A reason is required.",
                               {"errors": [{"loc": ["reason"], "msg": "required"}]})
        return await approvals.reject(deps, request.registration_id, request.reason, now())

    @routes.responder("list_registrations", RegistrationQuery)
    async def list_registrations(request: RegistrationQuery) -> RegistrationPage:
        query: dict[str, str] = {"session_id": request.session_id}
        if request.status is not None:
            query["status"] = request.status
        found = await store.registration_page(query, request.after, request.limit)
        last = found[-1]["_id"] if len(found) == request.limit else None
        return RegistrationPage(items=[registration_view(r) for r in found], last=last)

    @routes.responder("record_attendance", RecordAttendance)
    async def record_attendance(request: RecordAttendance) -> AttendanceRecorded:
        return await attendance.record_attendance(deps, request.session_id, request.attendees,
                                                  now())

    @routes.responder("stats", StatsQuery)
    async def stats(request: StatsQuery) -> Stats:
        return await attendance.statistics(deps, request, now())

    return routes.router


def ingest_router(runtime: Runtime, deps: Deps) -> NatsRouter:
    """Attendance lists from the webinar platform (`ingest.registration.attendance.v1`)."""
    router = NatsRouter()

    async def on_attendance(event: CloudEvent) -> None:
        report = AttendanceReport.from_cloudevent(event)  # ValidationError: rejected, DLQ
        await attendance.record_attendance(deps, report.session_id, report.attendees, now())

    subscribe(router, runtime, subject=ATTENDANCE_SUBJECT, stream="INGEST",
              durable="registration-attendance", handler=on_attendance)
    return router
