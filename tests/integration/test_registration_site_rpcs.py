"""What the public site asks the registration service, against real NATS and MongoDB wire
servers: a participant's page by mailed token, the calendar feed, session lists by start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import icalendar
import pytest
from faststream.nats import NatsBroker
from pydantic import BaseModel

from services.registration.events import CANCEL_ACTION
from shared.bus import call
from shared.contracts.registration.rpc import (
    Calendar,
    CancelByToken,
    CancelSession,
    CreateSession,
    ParticipantPage,
    PatchSession,
    Register,
    Registered,
    RegisterReply,
    RegistrationForm,
    SessionFields,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure
from shared.service import RunningService
from shared.settings import Settings
from shared.tokens import Signer

pytestmark = pytest.mark.integration
R = TypeVar("R", bound=BaseModel)
SITE = "https://dialogues.example.org"
JOIN_URL = "https://meet.example.org/secret-room"
# Whole minutes, as sessions start in practice (see `views.session_search` on the stand-in).
SOON = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=10)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The usual test settings, with the public site somewhere recognisable."""
    return settings.model_copy(update={"public_base_url": SITE + "/"})


@pytest.fixture
def bus(running_services: dict[str, RunningService], bus_client: NatsBroker) -> NatsBroker:
    return bus_client


async def rpc(bus: NatsBroker, action: str, request: BaseModel, reply: type[R]) -> R:
    return await call(bus, f"rpc.registration.{action}", request, reply, timeout=10)


async def new_session(bus: NatsBroker, starts: datetime = SOON, *, publish: bool = True,
                      **fields: Any) -> str:
    values: dict[str, Any] = {
        "title": {"es": "Compras públicas", "en": "Public procurement"}, "format": "webinar",
        "starts_at": starts, "ends_at": starts + timedelta(hours=1), "timezone": "America/Lima",
        "languages": ["es"], "capacity": 1, "join_url": JOIN_URL, **fields}
    created = await rpc(bus, "create_session", CreateSession(fields=SessionFields(**values)),
                        SessionView)
    if publish:
        await rpc(bus, "publish_session", SessionRef(session_id=created.id), SessionView)
    return created.id


async def register(bus: NatsBroker, session_id: str, email: str) -> RegisterReply:
    form = RegistrationForm(name="Ana", email=email, country="PE", institution="OSCE",
                            sector="government", job_title="Analyst", preferred_language="es",
                            consent=True)
    return await rpc(bus, "register", Register(session_id=session_id, form=form), RegisterReply)


def token(settings: Settings, registration_id: str, issued: datetime | None = None) -> str:
    return Signer(settings.token_secret).issue(
        registration_id, CANCEL_ACTION, now=issued or datetime.now(UTC), ttl=timedelta(hours=1))


async def describe(bus: NatsBroker, cancel_token: str) -> ParticipantPage:
    return await rpc(bus, "describe_by_token", CancelByToken(token=cancel_token), ParticipantPage)


async def test_a_participant_sees_their_registration_by_token(
        bus: NatsBroker, settings: Settings) -> None:
    session_id = await new_session(bus)
    first = await register(bus, session_id, "ana@example.org")
    second = await register(bus, session_id, "bea@example.org")

    confirmed = await describe(bus, token(settings, first.registration_id))
    assert (confirmed.status, confirmed.join_url, confirmed.can_cancel) == \
        ("confirmed", JOIN_URL, True)
    assert confirmed.name == "Ana" and confirmed.preferred_language == "es"
    assert confirmed.session.id == session_id and confirmed.session.join_url is None

    waiting = await describe(bus, token(settings, second.registration_id))
    assert (waiting.status, waiting.waitlist_position, waiting.join_url, waiting.can_cancel) \
        == ("waitlisted", 1, None, True)

    await rpc(bus, "cancel_by_token", CancelByToken(token=token(settings, first.registration_id)),
              Registered)
    cancelled = await describe(bus, token(settings, first.registration_id))
    assert (cancelled.status, cancelled.join_url, cancelled.can_cancel) == \
        ("cancelled", None, False)
    promoted = await describe(bus, token(settings, second.registration_id))
    assert (promoted.status, promoted.join_url) == ("confirmed", JOIN_URL)

    await rpc(bus, "cancel_session", CancelSession(session_id=session_id, reason="Storm"),
              SessionView)
    after_session = await describe(bus, token(settings, second.registration_id))
    assert (after_session.join_url, after_session.can_cancel) == (None, False)


async def test_a_stale_forged_or_unknown_token_shows_nothing(
        bus: NatsBroker, settings: Settings) -> None:
    registered = await register(bus, await new_session(bus), "ana@example.org")
    good = token(settings, registered.registration_id)
    cases = {
        "gone": token(settings, registered.registration_id,
                      issued=datetime.now(UTC) - timedelta(hours=2)),
        "forbidden": good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        "not_found": token(settings, "0000000000000000dead"),
    }
    for code, bad in cases.items():
        with pytest.raises(RpcFailure) as failure:
            await describe(bus, bad)
        assert failure.value.code == code


async def test_describing_changes_nothing(
        bus: NatsBroker, settings: Settings,
        running_services: dict[str, RunningService]) -> None:
    session_id = await new_session(bus)
    registered = await register(bus, session_id, "ana@example.org")
    db = running_services["registration"].runtime.db

    async def state() -> tuple[Any, ...]:
        return (await db["registrations"].find_one({"_id": registered.registration_id}),
                await db["sessions"].find_one({"_id": session_id}))

    before = await state()
    for _ in range(100):  # until the relay has published (and removed) the pending events
        if not any(document["outbox"] for document in before):
            break
        await asyncio.sleep(0.05)
        before = await state()
    assert not any(document["outbox"] for document in before)
    for _ in range(3):
        await describe(bus, token(settings, registered.registration_id))
    assert await state() == before


async def test_the_calendar_feed_holds_upcoming_public_sessions(bus: NatsBroker) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    later = await new_session(bus, now + timedelta(days=3))
    sooner = await new_session(bus, now + timedelta(days=1), format="course")
    ongoing = await new_session(bus, now - timedelta(minutes=30))
    await new_session(bus, now - timedelta(hours=3))  # ended
    await new_session(bus, now + timedelta(days=2), publish=False)  # draft
    await new_session(bus, now + timedelta(days=2), visibility="invite_only")
    await rpc(bus, "patch_session", PatchSession(session_id=later, fields=SessionFields(
        starts_at=now + timedelta(days=4), ends_at=now + timedelta(days=4, hours=1))),
        SessionView)  # rescheduled: SEQUENCE 1

    feed = await rpc(bus, "calendar_feed", SessionQuery(), Calendar)
    # The feed is public whatever the query says.
    assert (await rpc(bus, "calendar_feed", SessionQuery(published_only=False), Calendar)
            ).ics == feed.ics
    assert JOIN_URL not in feed.ics
    parsed = icalendar.Calendar.from_ical(feed.ics)
    assert str(parsed["X-WR-CALNAME"]) == "INGP Virtual Dialogues"
    events = parsed.walk("VEVENT")
    assert [str(e["URL"]) for e in events] == [
        f"{SITE}/sessions/{s}" for s in (ongoing, sooner, later)]
    single = icalendar.Calendar.from_ical(
        (await rpc(bus, "calendar", SessionRef(session_id=later), Calendar)).ics)
    (alone,) = single.walk("VEVENT")
    assert (str(events[-1]["UID"]), events[-1]["SEQUENCE"]) == \
        (str(alone["UID"]), alone["SEQUENCE"]) and alone["SEQUENCE"] == 1

    courses = await rpc(bus, "calendar_feed", SessionQuery(format="course"), Calendar)
    assert [str(e["URL"]) for e in icalendar.Calendar.from_ical(courses.ics).walk("VEVENT")] \
        == [f"{SITE}/sessions/{sooner}"]


async def walk(bus: NatsBroker, **query: Any) -> list[str]:
    """Every session id of a list, page by page of two; fails on a page without progress."""
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await rpc(bus, "list_sessions", SessionQuery(limit=2, after=after, **query),
                         SessionPage)
        seen += [item.id for item in page.items]
        if page.last is None:
            return seen
        assert page.items and page.last != after
        after = page.last


async def test_pages_by_start_neither_repeat_nor_skip_sessions_starting_together(
        bus: NatsBroker) -> None:
    offsets = [30, 0, 30, 60, 0, 30, 90]  # minutes after SOON; three start together
    starts = {await new_session(bus, SOON + timedelta(minutes=m)): m for m in offsets}
    by_start = sorted(starts, key=lambda s: (starts[s], s))

    assert await walk(bus, order="starts_at") == by_start
    assert await walk(bus, order="starts_at_desc") == by_start[::-1]
    before_45 = await walk(bus, order="starts_at_desc", starts_to=SOON + timedelta(minutes=45))
    assert before_45 == [s for s in by_start[::-1] if starts[s] < 45]

    assert await walk(bus) == sorted(starts)  # "created": order of creation, as before
    first = await rpc(bus, "list_sessions", SessionQuery(limit=2), SessionPage)
    assert first.last == first.items[-1].id

    for bad in ("nonsense", "2026-05-01T12:00:00|abc", f"{SOON.isoformat()}|", "|x"):
        with pytest.raises(RpcFailure) as failure:
            await rpc(bus, "list_sessions", SessionQuery(order="starts_at", after=bad),
                      SessionPage)
        assert failure.value.code == "invalid", bad
