"""Retention: a year after its last attempt, a mail keeps no address and no message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.domain.model import recipient_hash
from services.notify.settings import NotifySettings
from shared.bus import call
from shared.contracts.notify.rpc import DeliveryPage, ListDeliveries
from shared.db import Document
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    confirmed,
    publish,
    smtp_settings_for,
)
from tests.support import eventually
from tests.support.clock import MovableClock

pytestmark = pytest.mark.integration

FAST = NotifySettings(send_rate=1000, poll_seconds=0.05, retention_days=365)


async def all_handled(bus_client: NatsBroker) -> bool:
    """Whether notify's consumer of registration events has acknowledged everything."""
    info = await bus_client.connection.jetstream().consumer_info(
        "REGISTRATION", "notify-registration")
    return info.num_pending == 0 and info.num_ack_pending == 0


async def sent(service: RunningService, address: str) -> Document:
    """The delivery record of the mail to `address`, once recorded sent."""
    deliveries = service.runtime.db["deliveries"]

    async def recorded_sent() -> Document | None:
        found = await deliveries.find_one({"to_hash": recipient_hash(address)})
        return found if found is not None and found["status"] == "sent" else None

    found: Document = await eventually(recorded_sent, timeout=10,
                                       what=f"the mail to {address} recorded sent")
    return found


async def test_mails_ended_before_the_retention_period_lose_address_and_message(
    settings: Settings, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    clock = MovableClock(START - timedelta(days=500))
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        await publish(bus_client, confirmed("reg-old", email_="old@example.org"))
        old = await sent(service, "old@example.org")
        clock.advance(timedelta(days=200))
        await publish(bus_client, confirmed("reg-new", email_="new@example.org"))
        new = await sent(service, "new@example.org")
        await all_recorded(settings)
    finally:
        await service.stop()

    clock.advance(timedelta(days=200))  # the first mail ended 400 days ago, the second 200
    # It purges at start.
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        db = service.runtime.db
        async def old_erased() -> Document | None:
            found = await db["deliveries"].find_one({"_id": old["_id"]})
            return found if found is not None and found["to"] == "" else None

        erased = await eventually(old_erased, timeout=5, what="the old delivery's address erased")
        assert erased is not None
        assert (erased["to"], erased["to_hash"], erased["status"]) == (
            "", recipient_hash("old@example.org"), "sent")
        assert "raw" not in erased  # the message, kept in the record, is gone
        assert await db["mail_bodies"].find_one({"_id": old["_id"]}) is None
        kept = await db["deliveries"].find_one({"_id": new["_id"]})
        assert kept is not None and kept["to"] == "new@example.org"
        assert "From:" in kept["raw"]  # the newer mail keeps its message

        page = await call(bus_client, "rpc.notify.list_deliveries",
                          ListDeliveries(reveal_addresses=True), DeliveryPage, timeout=2.0)
        assert sorted(item.recipient for item in page.items) == ["", "new@example.org"]
    finally:
        await service.stop()
    assert [m["To"].addresses[0].addr_spec for m in smtp.inbox.messages] == [
        "old@example.org", "new@example.org"]  # nothing sent again


async def test_a_sessions_audience_is_forgotten_once_the_period_after_it_ended_is_over(
    settings: Settings, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    clock = MovableClock(START - timedelta(days=1))
    later = START + timedelta(days=300)
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        await publish(bus_client, confirmed("reg-a", email_="a@example.org"))  # ses-1
        await publish(bus_client, confirmed("reg-b", email_="b@example.org", session_id="ses-2",
                                            starts_at=later,
                                            ends_at=later + timedelta(hours=1)))
        await sent(service, "a@example.org")
        await sent(service, "b@example.org")
        await all_recorded(settings)
    finally:
        await service.stop()

    clock.now = START + timedelta(days=366)  # ses-1 ended over a year ago, ses-2 has not
    # It purges at start.
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        recipients = service.runtime.db["recipients"]
        async def ses_1_forgotten() -> bool:
            return await recipients.count_documents({"session_id": "ses-1"}) == 0

        await eventually(ses_1_forgotten, timeout=5)
        assert await recipients.count_documents({"session_id": "ses-1"}) == 0
        [kept] = await recipients.find({}).to_list()
        assert (kept["session_id"], kept["email"]) == ("ses-2", "b@example.org")

        # An event of the forgotten session replayed now brings nobody back, nor mails.
        await publish(bus_client, confirmed("reg-c", email_="c@example.org"))  # ses-1
        await eventually(lambda: all_handled(bus_client), timeout=10,
                         what="notify handled the replayed event")
        assert await recipients.count_documents({"session_id": "ses-1"}) == 0
        assert await service.runtime.db["deliveries"].count_documents(
            {"to_hash": recipient_hash("c@example.org")}) == 0
    finally:
        await service.stop()
