"""Retention of subscriptions: one nobody confirmed is deleted once its confirm link is long
expired, one ended by unsubscribing a retention period later; active ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.domain.model import recipient_hash
from services.notify.domain.subscriptions import CONFIRM, UNSUBSCRIBE
from services.notify.settings import NotifySettings
from shared.bus import call
from shared.contracts.notify.rpc import (
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)
from shared.service import start_service
from shared.settings import Settings
from shared.tokens import Signer
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    smtp_settings_for,
)
from tests.support import eventually
from tests.support.clock import MovableClock

pytestmark = pytest.mark.integration

FAST = NotifySettings(send_rate=1000, poll_seconds=0.05, retention_days=365)


class Subscriber:
    """Drives one address through `rpc.notify.*` as its mails' links would."""

    def __init__(self, broker: NatsBroker, settings: Settings, clock: MovableClock) -> None:
        self.broker, self.signer, self.clock = broker, Signer(settings.token_secret), clock

    def key(self, address: str) -> str:
        return f"sub-{recipient_hash(address)}"

    async def subscribe(self, address: str) -> None:
        await call(self.broker, "rpc.notify.subscribe", Subscribe(email=address, language="en"),
                   SubscriptionRequested, timeout=2.0)

    async def follow(self, address: str, action: str) -> None:
        token = self.signer.issue(self.key(address), action, now=self.clock(),
                                  ttl=timedelta(days=1))
        subject = "confirm_subscription" if action == CONFIRM else "unsubscribe"
        await call(self.broker, f"rpc.notify.{subject}", SubscriptionToken(token=token),
                   SubscriptionState, timeout=2.0)


async def test_unconfirmed_and_long_unsubscribed_subscriptions_are_deleted(
    settings: Settings, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    clock = MovableClock(START)
    people = Subscriber(bus_client, settings, clock)
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        for address in ("never@example.org", "left@example.org", "stays@example.org",
                        "recently-left@example.org", "back@example.org"):
            await people.subscribe(address)
        for address in ("left@example.org", "stays@example.org",
                        "recently-left@example.org", "back@example.org"):
            await people.follow(address, CONFIRM)
        await people.follow("left@example.org", UNSUBSCRIBE)
        await people.follow("back@example.org", UNSUBSCRIBE)
        clock.advance(timedelta(days=300))
        await people.follow("recently-left@example.org", UNSUBSCRIBE)
        clock.advance(timedelta(days=60))
        await people.subscribe("new@example.org")  # its confirm link is still valid
        await people.subscribe("back@example.org")  # asks again, has not confirmed yet
        await service.runtime.db["subscriptions"].insert_one(  # written before dates were kept
            {"_id": people.key("legacy@example.org"), "email": "legacy@example.org",
             "status": "unsubscribed", "language": "en", "frequency": "immediate"})
        await all_recorded(settings)
    finally:
        await service.stop()

    clock.advance(timedelta(days=6))  # 366 days after the first requests
    # It purges at start.
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        subscriptions = service.runtime.db["subscriptions"]
        async def five_left() -> bool:
            return await subscriptions.count_documents({}) == 5

        await eventually(five_left, timeout=5)
        kept = {record["email"]: record["status"]
                for record in await subscriptions.find({}).to_list()}
        assert kept == {"stays@example.org": "active", "recently-left@example.org": "unsubscribed",
                        "new@example.org": "pending", "back@example.org": "unsubscribed",
                        "legacy@example.org": "unsubscribed"}  # from now on, a full period
        await people.follow("back@example.org", CONFIRM)  # the new request still works
        back = await subscriptions.find_one({"_id": people.key("back@example.org")})
        assert back is not None and back["status"] == "active"
    finally:
        await service.stop()

    clock.advance(timedelta(days=366))
    service = await start_service(build_spec(clock, FAST, smtp_settings_for(smtp)), settings)
    try:
        subscriptions = service.runtime.db["subscriptions"]
        async def two_left() -> bool:
            return await subscriptions.count_documents({}) == 2

        await eventually(two_left, 5)
        assert {record["email"] for record in await subscriptions.find({}).to_list()} == {
            "stays@example.org", "back@example.org"}  # only the active ones stay
    finally:
        await service.stop()
