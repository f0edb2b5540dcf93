"""Reminders follow an injected clock, move with a reschedule, vanish with a cancellation,
and two notify processes side by side send each of them once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.settings import NotifySettings
from shared.contracts.registration import events as reg
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    confirmed,
    parts,
    publish,
    smtp_settings_for,
    snapshot,
)
from tests.support import eventually
from tests.support.clock import MovableClock
from tests.support.quiet import Servers, quiet

pytestmark = pytest.mark.integration

FAST = NotifySettings(send_rate=1000, retry_base_seconds=0.2, poll_seconds=0.05)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START - timedelta(days=2))


@pytest.fixture
async def notify(settings: Settings, smtp: SmtpServer, clock: MovableClock
                 ) -> AsyncIterator[RunningService]:
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    yield service
    await service.stop()


def reminders(server: SmtpServer) -> list[str]:
    return [m["To"].addresses[0].addr_spec for m in server.inbox.messages
            if m["Subject"].startswith("Recordatorio") or m["Subject"].startswith("Reminder")]


async def settle(settings: Settings) -> None:
    """Several rounds of the reminder poller, which time drives (quiet cannot see it), then
    until whatever it queued is sent."""
    await asyncio.sleep(0.6)
    await quiet(Servers.of(settings))


async def test_reminders_come_due_with_the_clock(
    settings: Settings, notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
    clock: MovableClock,
) -> None:
    await publish(bus_client, confirmed(language="en"))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    await settle(settings)
    assert reminders(smtp) == []
    await all_recorded(settings)
    clock.advance(timedelta(days=1, minutes=1))  # 23 h 59 min before the start
    await eventually(lambda: len(reminders(smtp)) == 1, timeout=10)
    message = smtp.inbox.messages[-1]
    assert "https://meet.example.org/j/42" in parts(message)["text/plain"]
    await all_recorded(settings)
    clock.advance(timedelta(hours=23))  # 59 min before
    await eventually(lambda: len(reminders(smtp)) == 2, timeout=10)
    await settle(settings)
    assert len(reminders(smtp)) == 2


async def test_a_reschedule_moves_reminders_and_a_cancellation_drops_them(
    settings: Settings, notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
    clock: MovableClock,
) -> None:
    await publish(bus_client, confirmed())
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    later = START + timedelta(days=3)
    await publish(bus_client, reg.SessionRescheduled(
        session=snapshot(starts_at=later, ends_at=later + timedelta(hours=1), sequence=1),
        previous_starts_at=START, previous_ends_at=START + timedelta(minutes=90)))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await all_recorded(settings)
    clock.advance(timedelta(days=1, hours=12))  # past the old 24 h mark, before the new one
    await settle(settings)
    assert reminders(smtp) == []
    await all_recorded(settings)
    clock.now = later - timedelta(hours=23)
    await eventually(lambda: len(reminders(smtp)) == 1, timeout=10)
    await publish(bus_client, reg.SessionCancelled(
        session=snapshot(starts_at=later, ends_at=later + timedelta(hours=1), sequence=2),
        reason="Sin ponentes"))
    await eventually(lambda: len(smtp.inbox.messages) == 4, timeout=10)  # + the cancellation
    await all_recorded(settings)
    clock.now = later - timedelta(minutes=30)
    await settle(settings)
    assert len(reminders(smtp)) == 1


async def test_a_reminder_missed_while_down_is_sent_late_only_before_the_start(
    settings: Settings, smtp: SmtpServer, bus_client: NatsBroker, clock: MovableClock,
) -> None:
    spec = build_spec(clock, FAST, smtp_settings_for(smtp))
    service = await start_service(spec, settings)
    await publish(bus_client, confirmed())
    early = START - timedelta(hours=1)
    await publish(bus_client, confirmed(registration_id="reg-2", email_="late@example.org",
                                        session_id="ses-2", starts_at=early,
                                        ends_at=early + timedelta(minutes=30)))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await all_recorded(settings)
    await service.stop()
    clock.now = START - timedelta(minutes=10)  # ses-1 not begun yet, ses-2 started 50 min ago
    service = await start_service(spec, settings)
    try:
        await eventually(lambda: len(reminders(smtp)) == 2, timeout=10)
        await settle(settings)
        assert reminders(smtp) == ["maria.perez@example.org"] * 2
    finally:
        await service.stop()


async def test_two_notify_processes_send_each_mail_once(
    settings: Settings, smtp: SmtpServer, bus_client: NatsBroker, clock: MovableClock,
) -> None:
    spec = build_spec(clock, FAST, smtp_settings_for(smtp))
    both = [await start_service(spec, settings) for _ in range(2)]
    both[1].runtime.instance = "second-replica"
    try:
        people = [f"p{i}@example.org" for i in range(12)]
        for i, address in enumerate(people):
            await publish(bus_client, confirmed(registration_id=f"reg-{i}", email_=address))
        await eventually(lambda: len(smtp.inbox.messages) == 12, timeout=20)
        await all_recorded(settings)
        clock.now = START - timedelta(minutes=30)
        await eventually(lambda: len(reminders(smtp)) == 24, timeout=20)
        await settle(settings)
        assert sorted(reminders(smtp)) == sorted(people * 2)
        assert len(smtp.inbox.messages) == 36
    finally:
        for service in both:
            await service.stop()


async def test_a_mail_left_sending_by_a_dead_replica_is_sent_once_its_lease_ends(
    settings: Settings, smtp: SmtpServer, clock: MovableClock,
) -> None:
    from pymongo import AsyncMongoClient

    from services.notify.delivery.due import DueMails
    from services.notify.delivery.mailer import Mailer
    from services.notify.delivery.mime import Renderer
    from services.notify.domain.compose import SessionMail
    from services.notify.domain.model import Recipient
    from services.notify.domain.strings import Strings
    from services.notify.store import Deliveries

    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.effective_mongo_url(), tz_aware=True)
    deliveries = Deliveries(client[settings.database_name("notify")])
    mailer = Mailer(deliveries, settings, smtp_settings_for(smtp), clock, Strings.load(),
                    Renderer(), DueMails(clock))
    await mailer.session_mail("evt-x", Recipient("ana@example.org", "Ana", "es", "reg-x"),
                              snapshot(), SessionMail(kind="confirmed", name="Ana"))
    # A replica claims it and dies before recording anything.
    [queued] = await deliveries.collection.find().to_list()
    assert await deliveries.claim(queued["_id"], clock(), "dead-replica", "attempt-1",
                                  timedelta(seconds=30)) is not None
    assert await deliveries.claim(queued["_id"], clock(), "other", "attempt-2",
                                  timedelta(seconds=30)) is None  # one holder at a time
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        # Sender rounds; not `settle`: the dead replica's lease keeps the mail `sending`
        # until the clock moves, so the system is not quiet before then.
        await asyncio.sleep(0.6)
        assert smtp.inbox.messages == []  # its lease still holds
        clock.advance(timedelta(seconds=31))
        await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
        await settle(settings)
        [record] = await deliveries.collection.find().to_list()
        assert (record["status"], record["attempts"]) == ("sent", 2)
        assert len(smtp.inbox.messages) == 1
    finally:
        await service.stop()
        await client.close()


async def test_a_mail_queued_by_another_replica_is_found_by_the_sweep(
    settings: Settings, smtp: SmtpServer, clock: MovableClock,
) -> None:
    """The mailer hands new mail to its own replica's sender; one queued by a replica that
    died before sending it reaches the others only through their sweep of the log."""
    from pymongo import AsyncMongoClient

    from services.notify.delivery.due import DueMails
    from services.notify.delivery.mailer import Mailer
    from services.notify.delivery.mime import Renderer
    from services.notify.domain.compose import SessionMail
    from services.notify.domain.model import Recipient
    from services.notify.domain.strings import Strings
    from services.notify.store import Deliveries

    service = await start_service(build_spec(clock, FAST.model_copy(
        update={"sweep_seconds": 0.3}), smtp_settings_for(smtp)), settings)
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.effective_mongo_url(), tz_aware=True)
    try:
        await settle(settings)  # its first sweep has found nothing
        deliveries = Deliveries(client[settings.database_name("notify")])
        # Another replica's mailer, whose sender never runs.
        elsewhere = Mailer(deliveries, settings, smtp_settings_for(smtp), clock, Strings.load(),
                           Renderer(), DueMails(clock))
        await elsewhere.session_mail("evt-y", Recipient("bo@example.org", "Bo", "es", "reg-y"),
                                     snapshot(), SessionMail(kind="confirmed", name="Bo"))
        await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
        await settle(settings)
        [record] = await deliveries.collection.find().to_list()
        assert (record["status"], record["attempts"]) == ("sent", 1)
    finally:
        await service.stop()
        await client.close()
