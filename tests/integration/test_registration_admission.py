"""Admission on a remembered session, and the relay publishing registrations' first events as
handed over, against real NATS and MongoDB wire servers.

A replica remembers the session summary it last read; the first ledger write of a registration
expects that summary's `quotas_rev` and status, so an edit or a cancellation made since is
noticed and the person is admitted again on a fresh read (and refused if the session no longer
allows it, with nothing left behind).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from faststream.nats import NatsBroker
from pydantic import BaseModel

from services.registration.bootstrap import SPEC
from services.registration.domain.rules import email_key
from shared.bus import call, make_broker
from shared.contracts.registration.rpc import (
    CancelSession,
    CreateSession,
    PatchSession,
    Register,
    RegisterReply,
    RegistrationForm,
    SessionFields,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure
from shared.db import Document, make_client
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.support.polling import eventually

pytestmark = pytest.mark.integration
R = TypeVar("R", bound=BaseModel)


async def bus_with(settings: Settings, replicas: int) -> AsyncIterator[NatsBroker]:
    running: list[RunningService] = [await start_service(SPEC, settings)
                                     for _ in range(replicas)]
    broker = make_broker(settings, client_name="test-admission")
    await broker.connect()
    yield broker
    await broker.stop()
    for service in running:
        await service.stop()


@pytest.fixture
async def one_replica(settings: Settings) -> AsyncIterator[NatsBroker]:
    """One replica, so that every request meets the summary it remembered."""
    async for broker in bus_with(settings, 1):
        yield broker


@pytest.fixture
async def two_replicas(settings: Settings) -> AsyncIterator[NatsBroker]:
    async for broker in bus_with(settings, 2):
        yield broker


async def rpc(bus: NatsBroker, action: str, request: BaseModel, reply: type[R]) -> R:
    return await call(bus, f"rpc.registration.{action}", request, reply, timeout=60)


async def published_session(bus: NatsBroker, capacity: int) -> str:
    starts = datetime.now(UTC) + timedelta(days=7)
    fields = SessionFields(
        title={"es": "Compras públicas"}, format="webinar", starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Lima", languages=["es"],
        capacity=capacity, join_url="https://meet.example.org/x")
    session = await rpc(bus, "create_session", CreateSession(fields=fields), SessionView)
    await rpc(bus, "publish_session", SessionRef(session_id=session.id), SessionView)
    return session.id


def register(session_id: str, email: str) -> Register:
    return Register(session_id=session_id, form=RegistrationForm.model_validate({
        "name": "Participant", "email": email, "country": "PE", "institution": "Agency",
        "sector": "government", "job_title": "Analyst", "preferred_language": "es",
        "consent": True}))


async def registrations_of(settings: Settings, session_id: str) -> list[Document]:
    client = make_client(settings, app_name="test")
    try:
        return await client[settings.database_name("registration")].registrations.find(
            {"session_id": session_id}).to_list()
    finally:
        await client.close()


async def test_an_edit_after_the_session_was_remembered_decides_afresh(
        one_replica: NatsBroker, settings: Settings) -> None:
    bus = one_replica
    session_id = await published_session(bus, capacity=5)
    first = await rpc(bus, "register", register(session_id, "first@example.org"), RegisterReply)
    assert first.status == "confirmed"

    # Capacity lowered to what is taken: the next person waits, though the remembered
    # summary still shows four free seats.
    await rpc(bus, "patch_session", PatchSession(session_id=session_id,
                                                 fields=SessionFields(capacity=1)), SessionView)
    second = await rpc(bus, "register", register(session_id, "second@example.org"), RegisterReply)
    assert (second.status, second.waitlist_position) == ("waitlisted", 1)

    # Made invite-only: refused without an invitation, and no registration is left behind.
    await rpc(bus, "patch_session", PatchSession(
        session_id=session_id, fields=SessionFields(visibility="invite_only")), SessionView)
    with pytest.raises(RpcFailure) as refused:
        await rpc(bus, "register", register(session_id, "third@example.org"), RegisterReply)
    assert refused.value.code == "forbidden"

    await rpc(bus, "cancel_session", CancelSession(session_id=session_id, reason="No room"),
              SessionView)
    with pytest.raises(RpcFailure) as closed:
        await rpc(bus, "register", register(session_id, "fourth@example.org"), RegisterReply)
    assert closed.value.code == "conflict"
    keys = {r["email_key"] for r in await registrations_of(settings, session_id)}
    assert keys == {email_key("first@example.org"), email_key("second@example.org")}


async def test_first_events_handed_to_the_relay_are_published_once_and_removed(
        two_replicas: NatsBroker, settings: Settings) -> None:
    bus = two_replicas
    session_id = await published_session(bus, capacity=3)
    replies = await asyncio.gather(*(
        rpc(bus, "register", register(session_id, f"p{i}@example.org"), RegisterReply)
        for i in range(40)))
    assert sorted(r.status for r in replies).count("confirmed") == 3

    async def relayed() -> bool:
        stored = await registrations_of(settings, session_id)
        return len(stored) == 40 and all(r["outbox"] == [] for r in stored)

    await eventually(relayed, 10, "every registration's outbox emptied", interval=0.1)
    js = bus.connection.jetstream()
    info = await js.stream_info("REGISTRATION", subjects_filter="registration.participant.>")
    subjects = info.state.subjects or {}
    assert subjects.get("registration.participant.confirmed.v1") == 3
    assert subjects.get("registration.participant.waitlisted.v1") == 37
