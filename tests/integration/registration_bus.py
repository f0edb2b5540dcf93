"""Talking to the registration service over the bus, and reading what it announced."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from faststream.nats import NatsBroker
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from pydantic import BaseModel

from shared.bus import call
from shared.contracts.registration.rpc import (
    CreateSession,
    Register,
    RegisterReply,
    RegistrationForm,
    SessionFields,
    SessionRef,
    SessionView,
)
from shared.db import Document, make_client
from shared.settings import Settings
from tests.support.polling import eventually
from tests.support.quiet import Settled

R = TypeVar("R", bound=BaseModel)


async def rpc(bus: NatsBroker, action: str, request: BaseModel, reply: type[R]) -> R:
    return await call(bus, f"rpc.registration.{action}", request, reply, timeout=60)


async def published_session(bus: NatsBroker, capacity: int | None) -> str:
    starts = datetime.now(UTC) + timedelta(days=7)
    fields = SessionFields(
        title={"es": "Compras públicas sostenibles", "en": "Sustainable procurement"},
        format="webinar", topics=["sustainable_procurement"], starts_at=starts,
        ends_at=starts + timedelta(hours=2), timezone="America/Bogota", languages=["es"],
        capacity=capacity, join_url="https://meet.example.org/secret")
    session = await rpc(bus, "create_session", CreateSession(fields=fields), SessionView)
    await rpc(bus, "publish_session", SessionRef(session_id=session.id), SessionView)
    return session.id


def form(email: str, country: str = "MX") -> RegistrationForm:
    return RegistrationForm.model_validate({
        "name": "Participant", "email": email, "country": country,
        "institution": "Agency", "sector": "government", "job_title": "Analyst",
        "preferred_language": "es", "consent": True})


async def register_many(bus: NatsBroker, session_id: str, n: int) -> list[RegisterReply]:
    return await asyncio.gather(*(
        rpc(bus, "register", Register(session_id=session_id, form=form(f"p{i}@example.org")),
            RegisterReply) for i in range(n)))


async def session_doc(settings: Settings, session_id: str) -> Document:
    client = make_client(settings, app_name="test")
    try:
        found = await client[settings.database_name("registration")].sessions.find_one(
            {"_id": session_id})
    finally:
        await client.close()
    assert found is not None
    return found


async def events_on(bus: NatsBroker, subject: str, expected: int, settled: Settled) -> int:
    """How many events the stream holds on `subject`, once `expected` are there and the
    services have settled: one more than expected would then be counted too."""
    js = bus.connection.jetstream()

    async def count() -> int:
        info = await js.stream_info("REGISTRATION", subjects_filter=subject)
        return sum((info.state.subjects or {}).values())

    async def enough() -> bool:
        return await count() >= expected

    await eventually(enough, 15, f"{expected} events on {subject}", interval=0.1)
    await settled()
    return await count()


async def stream_messages(bus: NatsBroker, subject: str) -> list[RawStreamMsg]:
    """Every message the registration stream holds on `subject` (wildcards allowed)."""
    js, seq = bus.connection.jetstream(), 1
    found: list[RawStreamMsg] = []
    while True:
        try:
            message = await js.get_msg("REGISTRATION", seq=seq, subject=subject, next=True)
        except NotFoundError:
            return found
        found.append(message)
        seq = (message.seq or seq) + 1


async def announced(bus: NatsBroker, kind: str, expected: int,
                    settled: Settled) -> Counter[str]:
    """How often each registration was announced `kind` (e.g. "cancelled"), once `expected`
    events of that kind are there and the services have settled."""
    subject = f"registration.participant.{kind}.v1"
    await events_on(bus, subject, expected, settled)
    return Counter(json.loads(message.data or b"{}")["registration_id"]
                   for message in await stream_messages(bus, subject))
