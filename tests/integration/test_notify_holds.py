"""How a mail is queued: in one insert, already claimed for the queueing replica's sender,
its message inline (a very large one apart); and what happens to a held mail whose replica
died before sending it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from pymongo import AsyncMongoClient

from services.notify.bootstrap import build_spec
from services.notify.delivery.due import DueMails
from services.notify.delivery.mailer import Mailer
from services.notify.delivery.mime import Renderer
from services.notify.domain.compose import SessionMail
from services.notify.domain.delivery import Delivery, Hold
from services.notify.domain.model import Recipient
from services.notify.domain.strings import Strings
from services.notify.store import Deliveries, ms
from services.notify.store.deliveries import INLINE_LIMIT
from shared.service import start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    FAST,
    START,
    SmtpServer,
    smtp_settings_for,
    snapshot,
)
from tests.support import eventually
from tests.support.clock import MovableClock
from tests.support.quiet import Servers, quiet

pytestmark = pytest.mark.integration

LEASE = timedelta(seconds=30)


@pytest.fixture
async def deliveries(settings: Settings) -> AsyncIterator[Deliveries]:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.effective_mongo_url(), tz_aware=True)
    yield Deliveries(client[settings.database_name("notify")])
    await client.close()


async def test_a_mail_held_by_a_replica_that_died_is_sent_once_its_lease_ends(
    settings: Settings, smtp: SmtpServer, deliveries: Deliveries,
) -> None:
    clock = MovableClock(START - timedelta(days=2))
    due = DueMails(clock, "dead-replica", LEASE)  # a replica whose sender never runs
    mailer = Mailer(deliveries, settings, smtp_settings_for(smtp), clock, Strings.load(),
                    Renderer(), due)
    await mailer.session_mail("evt-h", Recipient("ana@example.org", "Ana", "es", "reg-h"),
                              snapshot(), SessionMail(kind="confirmed", name="Ana"))
    [held] = await deliveries.collection.find().to_list()
    assert (held["status"], held["attempts"], held["owner"]) == ("sending", 1, "dead-replica")
    assert "From:" in held["raw"]  # one insert: the message rides in the record
    assert await deliveries.claim(held["_id"], clock(), "other", "attempt-2", LEASE) is None
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        await asyncio.sleep(0.6)  # sender rounds: the hold keeps it off
        assert smtp.inbox.messages == []
        clock.advance(LEASE + timedelta(seconds=1))
        await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
        await quiet(Servers.of(settings))
        [record] = await deliveries.collection.find().to_list()
        assert (record["status"], record["attempts"]) == ("sent", 2)
        assert len(smtp.inbox.messages) == 1
    finally:
        await service.stop()


async def test_a_message_too_large_for_the_record_is_kept_apart_and_read_back(
    deliveries: Deliveries,
) -> None:
    mail = Delivery(id="big", order="0", kind="confirmed", status="queued", source_id="evt-b",
                    to="bo@example.org", to_hash="h", language="es", message_id="<m@x>",
                    created_at=START)
    raw = "x" * (INLINE_LIMIT + 1)
    assert await deliveries.queue(mail, raw) == (True, raw)
    assert await deliveries.queue(mail, raw) == (False, None)  # once per mail
    record = await deliveries.collection.find_one({"_id": "big"})
    assert record is not None and "raw" not in record
    claimed = await deliveries.claim("big", START, "me", "attempt-1", LEASE)
    assert claimed is not None and await deliveries.body(claimed) == raw


async def test_only_the_attempt_holding_a_mail_renews_its_hold(
    settings: Settings, smtp: SmtpServer, deliveries: Deliveries,
) -> None:
    clock = MovableClock(START)
    due = DueMails(clock, "me", LEASE)
    mailer = Mailer(deliveries, settings, smtp_settings_for(smtp), clock, Strings.load(),
                    Renderer(), due)
    await mailer.session_mail("evt-r", Recipient("cy@example.org", "Cy", "es", "reg-r"),
                              snapshot(), SessionMail(kind="confirmed", name="Cy"))
    [record] = await deliveries.collection.find().to_list()
    held = due.held(record["_id"])
    assert held is not None
    _, hold = held
    later = clock() + timedelta(seconds=20)
    stranger = Hold("other", "attempt-x", hold.until)
    assert await deliveries.renew(stranger, record["_id"], later, LEASE) is None
    renewed = await deliveries.renew(hold, record["_id"], later, LEASE, with_body=False)
    assert renewed is not None and renewed.attempt_id == hold.attempt_id
    assert renewed.inline_body is None  # the sender has the message already
    after = await deliveries.collection.find_one({"_id": record["_id"]})
    assert after is not None and after["lease_until_ms"] == ms(later + LEASE)
