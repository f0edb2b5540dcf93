"""A session's life: draft, published, rescheduled, cancelled with everyone in it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shared.contracts.registration.rpc import (
    CancelSession,
    PatchSession,
    SessionFields,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
)
from tests.fast.registration.backends import Backend
from tests.fast.registration.support import draft_session, open_session, register, statuses

pytestmark = pytest.mark.fast


async def test_a_draft_is_hidden_until_published_once(backend: Backend) -> None:
    draft = await draft_session(backend)
    public = SessionQuery(published_only=True)
    assert draft.status == "draft"
    assert (await backend.call("list_sessions", public, SessionPage)).items == []
    for _ in range(2):
        published = await backend.call("publish_session", SessionRef(session_id=draft.id),
                                       SessionView)
        assert published.status == "published"
    listed = await backend.call("list_sessions", public, SessionPage)
    assert [s.id for s in listed.items] == [draft.id]
    announced = await backend.events("registration.session.published", expected=2,
                                     seconds=1.0)
    assert [e.data["session"]["session_id"] for e in announced] == [draft.id]


async def test_a_reschedule_moves_the_session_and_announces_where_it_was(
        backend: Backend) -> None:
    session_id = await open_session(backend)
    before = await backend.call("get_session", SessionRef(session_id=session_id), SessionView)
    later = before.starts_at + timedelta(days=2)
    moved = await backend.call("patch_session", PatchSession(session_id=session_id, fields=(
        SessionFields(starts_at=later, ends_at=later + timedelta(hours=2)))), SessionView)
    assert moved.starts_at == later
    [event] = await backend.events("registration.session.rescheduled")
    assert event.data["previous_starts_at"].startswith(before.starts_at.isoformat()[:19])
    assert event.data["session"]["starts_at"].startswith(later.isoformat()[:19])


async def test_cancelling_a_session_cancels_everyone_in_it_once(backend: Backend) -> None:
    session_id = await open_session(backend, capacity=1)
    await register(backend, session_id, "seated@example.org")
    await register(backend, session_id, "waiting@example.org")
    request = CancelSession(session_id=session_id, reason="Speaker unavailable")
    cancelled = await backend.call("cancel_session", request, SessionView)
    await backend.call("cancel_session", request, SessionView)
    assert cancelled.status == "cancelled"
    assert await statuses(backend, session_id) == {
        "seated@example.org": "cancelled", "waiting@example.org": "cancelled"}
    told = await backend.events("registration.participant.cancelled", expected=2)
    assert sorted(e.data["cancelled_by"] for e in told) == ["session_cancelled"] * 2
    assert len(await backend.events("registration.session.cancelled")) == 1


async def test_an_edit_that_does_not_move_a_published_session_is_announced_as_a_change(
        backend: Backend) -> None:
    session_id = await open_session(backend, capacity=5, countries=["pe"])
    await backend.call("patch_session", PatchSession(session_id=session_id, fields=(
        SessionFields(capacity=6))), SessionView)  # the ledger's own: nobody else shows it
    changed = await backend.call("patch_session", PatchSession(session_id=session_id, fields=(
        SessionFields.model_validate({"keywords": ["open data"], "venue": {
            "mode": "hybrid", "city": "Lima", "country": "pe"}}))), SessionView)
    assert changed.venue["city"] == "Lima" and changed.keywords == ["open data"]
    [event] = await backend.events("registration.session.changed", expected=2, seconds=1.0)
    assert event.data["session"]["venue"]["country"] == "PE"
    assert event.data["session"]["countries"] == ["PE"]
    assert await backend.events("registration.session.rescheduled", seconds=0.1) == []


async def test_a_reschedule_moves_the_agenda_as_stored(backend: Backend) -> None:
    starts = backend.clock() + timedelta(days=7)
    agenda = [{"key": "all", "slots": [
        {"key": "open", "kind": "opening", "starts_at": starts.isoformat(),
         "ends_at": (starts + timedelta(minutes=5)).isoformat()},
        {"key": "talk", "kind": "presentation",
         "starts_at": (starts + timedelta(minutes=5)).isoformat(),
         "ends_at": (starts + timedelta(minutes=20)).isoformat()}]}]
    session_id = await open_session(backend, starts_at=starts, agenda=agenda)
    later = starts + timedelta(days=1)
    moved = await backend.call("patch_session", PatchSession(session_id=session_id, fields=(
        SessionFields(starts_at=later, ends_at=later + timedelta(hours=2)))), SessionView)
    assert [datetime.fromisoformat(s["starts_at"]) for s in moved.agenda[0]["slots"]] == [
        later, later + timedelta(minutes=5)]
    [event] = await backend.events("registration.session.rescheduled")
    assert event.data["session"]["slots"] == ["open", "talk"]
