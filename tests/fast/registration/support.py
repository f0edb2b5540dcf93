"""Sessions, forms and readings for the registration scenarios, through the RPCs only."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.bus import RpcFailure
from shared.contracts.envelope import CloudEvent
from shared.contracts.registration.rpc import (
    CreateSession,
    Register,
    RegisterReply,
    RegistrationForm,
    RegistrationPage,
    RegistrationQuery,
    SessionFields,
    SessionRef,
    SessionView,
)
from tests.fast.registration.backends import Backend

STARTS_IN = timedelta(days=7)


def session_fields(backend: Backend, **changes: Any) -> SessionFields:
    """A complete session a week ahead on the backend's clock, two hours long."""
    starts = backend.clock() + STARTS_IN
    values: dict[str, Any] = {
        "title": {"es": "Compras públicas sostenibles", "en": "Sustainable procurement"},
        "format": "webinar", "topics": ["sustainable_procurement"], "starts_at": starts,
        "ends_at": starts + timedelta(hours=2), "timezone": "America/Bogota",
        "languages": ["es"], "join_url": "https://meet.example.org/secret"}
    values.update(changes)
    return SessionFields.model_validate(values)


async def draft_session(backend: Backend, **changes: Any) -> SessionView:
    """A new draft session (`changes`: its fields)."""
    return await backend.call("create_session",
                              CreateSession(fields=session_fields(backend, **changes)),
                              SessionView)


async def open_session(backend: Backend, **changes: Any) -> str:
    """The id of a new published session."""
    draft = await draft_session(backend, **changes)
    await backend.call("publish_session", SessionRef(session_id=draft.id), SessionView)
    return draft.id


def form(email: str, country: str = "MX", **changes: Any) -> RegistrationForm:
    """A valid registration form for `email`."""
    return RegistrationForm.model_validate({
        "name": "Participant", "email": email, "country": country, "institution": "Agency",
        "sector": "government", "job_title": "Analyst", "preferred_language": "es",
        "consent": True, **changes})


async def register(backend: Backend, session_id: str, email: str,
                   **changes: Any) -> RegisterReply:
    """Register `email` for the session, as the public site does."""
    return await backend.call("register", Register(session_id=session_id,
                                                   form=form(email, **changes)), RegisterReply)


async def refused(call: Awaitable[object]) -> str:
    """The error code the service answered `call` with (it must refuse)."""
    try:
        await call
    except RpcFailure as failure:
        return failure.code
    raise AssertionError("the service did not refuse")


async def statuses(backend: Backend, session_id: str) -> dict[str, str]:
    """Each registered address of the session and its status, as the secretariat lists them."""
    page = await backend.call("list_registrations",
                              RegistrationQuery(session_id=session_id, limit=1000),
                              RegistrationPage)
    return {str(item.email): item.status for item in page.items}


def attendance_list(session_id: str, attendees: list[dict[str, Any]]) -> CloudEvent:
    """The webinar platform's attendance report for a session."""
    return CloudEvent(id=str(uuid.uuid4()), type="ingest.registration.attendance.v1",
                      source="webinar-platform", time=datetime.now(UTC),
                      data={"session_id": session_id, "attendees": attendees})
