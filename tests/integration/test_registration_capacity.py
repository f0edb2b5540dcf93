"""Exact capacity under concurrency, against real NATS and MongoDB wire servers.

Three replicas of the registration service share the work through their queue group, so the
requests really race on the database, not only inside one process.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta

import pytest
from faststream.nats import NatsBroker

from services.registration.bootstrap import SPEC
from services.registration.events import CANCEL_ACTION
from shared.bus import make_broker
from shared.contracts.registration.events import ParticipantConfirmed, ParticipantWaitlisted
from shared.contracts.registration.rpc import (
    CancelByToken,
    CreateSession,
    Register,
    Registered,
    RegisterReply,
    RegistrationAction,
    SessionFields,
    SessionRef,
    SessionView,
)
from shared.service import RunningService, start_service
from shared.settings import Settings
from shared.tokens import Signer
from tests.integration.registration_bus import (
    announced,
    events_on,
    form,
    published_session,
    register_many,
    rpc,
    session_doc,
)
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration
REPLICAS = 3


@pytest.fixture
async def replicas(settings: Settings) -> AsyncIterator[list[RunningService]]:
    running = [await start_service(SPEC, settings) for _ in range(REPLICAS)]
    yield running
    for service in running:
        await service.stop()


@pytest.fixture
async def bus(settings: Settings, replicas: list[RunningService]) -> AsyncIterator[NatsBroker]:
    broker = make_broker(settings, client_name="test-registrants")
    await broker.connect()
    yield broker
    await broker.stop()


async def test_500_concurrent_registrations_fill_100_seats_exactly(
        bus: NatsBroker, settings: Settings, settled: Settled) -> None:
    session_id = await published_session(bus, capacity=100)
    replies = await register_many(bus, session_id, 500)

    confirmed = [r for r in replies if r.status == "confirmed"]
    waiting = sorted((r for r in replies if r.status == "waitlisted"),
                     key=lambda r: r.waitlist_position or 0)
    assert len(confirmed) == 100 and len(waiting) == 400
    assert [r.waitlist_position for r in waiting] == list(range(1, 401))
    assert len({r.registration_id for r in replies}) == 500
    ledger = await session_doc(settings, session_id)
    assert ledger["confirmed"] == 100 and len(set(ledger["seats"])) == 100
    assert ledger["waiting"] == [r.registration_id for r in waiting]
    assert await events_on(bus, "registration.participant.confirmed.v1", 100, settled) == 100
    assert await events_on(bus, "registration.participant.waitlisted.v1", 400, settled) == 400

    # Cancelling 10 confirmed people at once promotes exactly the first 10 waiting, once each.
    await asyncio.gather(*(rpc(bus, "cancel_registration",
                               RegistrationAction(registration_id=r.registration_id), Registered)
                           for r in confirmed[:10]))
    ledger = await session_doc(settings, session_id)
    first_ten = [r.registration_id for r in waiting[:10]]
    assert ledger["confirmed"] == 100
    assert set(first_ten) <= set(ledger["seats"])
    assert ledger["waiting"] == [r.registration_id for r in waiting[10:]]
    assert await events_on(bus, "registration.participant.promoted.v1", 10, settled) == 10
    assert await events_on(bus, "registration.participant.cancelled.v1", 10, settled) == 10

    # A promoted person who cancels gives the seat to the next one; never gets it back.
    again = await rpc(bus, "cancel_registration",
                      RegistrationAction(registration_id=first_ten[0]), Registered)
    assert again.status == "cancelled"
    twice = await rpc(bus, "cancel_registration",
                      RegistrationAction(registration_id=first_ten[0]), Registered)
    assert twice.status == "cancelled"
    ledger = await session_doc(settings, session_id)
    assert first_ten[0] not in ledger["seats"] and first_ten[0] not in ledger["waiting"]
    assert waiting[10].registration_id in ledger["seats"] and ledger["confirmed"] == 100
    assert await events_on(bus, "registration.participant.promoted.v1", 11, settled) == 11
    assert await events_on(bus, "registration.participant.cancelled.v1", 11, settled) == 11


async def test_one_person_submitting_concurrently_gets_one_registration(
        bus: NatsBroker, settled: Settled) -> None:
    session_id = await published_session(bus, capacity=5)
    variants = ["ana.perez@bücher.example", " Ana.Perez@Bücher.Example ",
                "ANA.PEREZ@BU\u0308CHER.EXAMPLE"]  # the last one decomposed (NFD)
    replies = await asyncio.gather(*(
        rpc(bus, "register", Register(session_id=session_id, form=form(variants[i % 3])),
            RegisterReply) for i in range(12)))
    created = [r for r in replies if r.created]
    assert len(created) == 1 and created[0].status == "confirmed"
    # The repeats say nothing of the registration; its owner is mailed, once this hour.
    assert {(r.registration_id, r.status) for r in replies if not r.created} == {(None, None)}
    assert await events_on(bus, "registration.participant.confirmed.v1", 1, settled) == 1
    assert await events_on(bus, "registration.participant.already_registered.v1", 1,
                           settled) == 1


async def test_country_quota_reserves_seats_until_released(bus: NatsBroker) -> None:
    starts = datetime.now(UTC) + timedelta(days=3)
    fields = SessionFields(
        title={"en": "Quotas"}, format="workshop", starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Lima", languages=["en"],
        capacity=10, country_quotas=[{"country": "PE", "seats": 4,  # type: ignore[list-item]
                                      "release_at": starts - timedelta(days=1)}])
    session = await rpc(bus, "create_session", CreateSession(fields=fields), SessionView)
    await rpc(bus, "publish_session", SessionRef(session_id=session.id), SessionView)
    others = await asyncio.gather(*(
        rpc(bus, "register", Register(session_id=session.id, form=form(f"o{i}@x.org", "CL")),
            RegisterReply) for i in range(10)))
    assert sum(r.status == "confirmed" for r in others) == 6
    peruvians = await asyncio.gather(*(
        rpc(bus, "register", Register(session_id=session.id, form=form(f"pe{i}@x.org", "PE")),
            RegisterReply) for i in range(6)))
    assert sum(r.status == "confirmed" for r in peruvians) == 4
    view = await rpc(bus, "get_session", SessionRef(session_id=session.id), SessionView)
    assert view.confirmed == 10 and view.seats_left == 0 and view.waiting == 6


async def test_events_carry_what_mail_needs_and_the_join_url_only_for_seats(
        bus: NatsBroker, settings: Settings, settled: Settled) -> None:
    session_id = await published_session(bus, capacity=1)
    seat, wait = [await rpc(bus, "register", Register(session_id=session_id,
                                                      form=form(f"{n}@example.org")), RegisterReply)
                  for n in ("seat", "wait")]
    js = bus.connection.jetstream()
    assert await events_on(bus, "registration.participant.waitlisted.v1", 1, settled) == 1
    confirmed = await js.get_last_msg("REGISTRATION", "registration.participant.confirmed.v1")
    waiting = await js.get_last_msg("REGISTRATION", "registration.participant.waitlisted.v1")
    published = await js.get_last_msg("REGISTRATION", "registration.session.published.v1")
    confirmed_body = ParticipantConfirmed.model_validate_json(confirmed.data or b"")
    waiting_body = ParticipantWaitlisted.model_validate_json(waiting.data or b"")
    assert confirmed_body.registration_id == seat.registration_id
    assert confirmed_body.session.join_url == "https://meet.example.org/secret"
    assert confirmed_body.participant.email == "seat@example.org"
    assert confirmed_body.cancel_token and waiting_body.cancel_token
    assert Signer(settings.token_secret).verify(
        waiting_body.cancel_token, CANCEL_ACTION, now=datetime.now(UTC)) == wait.registration_id
    assert waiting_body.session.join_url is None and waiting_body.waitlist_position == 1
    assert b"secret" not in (published.data or b"")
    assert (confirmed.headers or {}).get("ce-type") == "registration.participant.confirmed.v1"


async def test_racing_cancellations_are_announced_once_and_promote_in_order(
        bus: NatsBroker, settings: Settings, settled: Settled) -> None:
    session_id = await published_session(bus, capacity=5)
    seated = [await rpc(bus, "register", Register(session_id=session_id,
                                                  form=form(f"s{i}@example.org")), RegisterReply)
              for i in range(5)]
    waiting = [await rpc(bus, "register", Register(session_id=session_id,
                                                   form=form(f"w{i}@example.org")), RegisterReply)
               for i in range(6)]
    assert {r.status for r in seated} == {"confirmed"}
    assert {r.status for r in waiting} == {"waitlisted"}
    signer, now = Signer(settings.token_secret), datetime.now(UTC)

    def by_token(reg: RegisterReply) -> Awaitable[Registered]:
        token = signer.issue(reg.registration_id, CANCEL_ACTION, now=now, ttl=timedelta(days=1))
        return rpc(bus, "cancel_by_token", CancelByToken(token=token), Registered)

    def by_secretariat(reg: RegisterReply) -> Awaitable[Registered]:
        return rpc(bus, "cancel_registration",
                   RegistrationAction(registration_id=reg.registration_id), Registered)

    # The first seated person cancels 12 times at once, by mail and by the secretariat; two
    # more seated people and the last waiter cancel twice each; 8 newcomers register meanwhile.
    leaving = [seated[0], seated[1], seated[2], waiting[5]]
    cancels = [cancel(reg) for reg in [seated[0]] * 6 + leaving[1:] for cancel in
               (by_token, by_secretariat)]
    newcomers = [rpc(bus, "register", Register(session_id=session_id,
                                               form=form(f"n{i}@example.org")), RegisterReply)
                 for i in range(8)]
    replies = await asyncio.gather(*cancels, *newcomers)
    assert {r.status for r in replies[:len(cancels)]} == {"cancelled"}
    new = replies[len(cancels):]
    assert {r.status for r in new} == {"waitlisted"}  # nobody is seated ahead of a waiter

    ledger = await session_doc(settings, session_id)
    promoted = [r.registration_id for r in waiting[:3]]
    assert ledger["confirmed"] == 5
    assert set(ledger["seats"]) == {seated[3].registration_id, seated[4].registration_id,
                                    *promoted}
    assert ledger["waiting"][:2] == [r.registration_id for r in waiting[3:5]]
    assert set(ledger["waiting"][2:]) == {r.registration_id for r in new}
    cancelled = Counter(r.registration_id for r in leaving)
    assert await announced(bus, "cancelled", 4, settled) == cancelled
    assert await announced(bus, "promoted", 3, settled) == Counter(promoted)
