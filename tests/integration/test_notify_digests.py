"""A daily subscriber gets the day's news in one mail after midnight UTC, once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from faststream.nats import NatsBroker

from services.notify.settings import NotifySettings
from shared.bus import call
from shared.contracts.notify.rpc import (
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)
from shared.service import RunningService
from shared.settings import Settings
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    document,
    parts,
    publish,
    two_notifies,
)
from tests.support import eventually
from tests.support.clock import MovableClock
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration

FAST = NotifySettings(send_rate=1000, poll_seconds=0.05, digest_poll_seconds=0.05)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
async def notifies(settings: Settings, smtp: SmtpServer, clock: MovableClock
                   ) -> AsyncIterator[list[RunningService]]:
    async with two_notifies(settings, smtp, clock, FAST) as both:
        yield both


async def rpc(broker: NatsBroker, action: str, request: object, reply: type) -> object:
    return await call(broker, f"rpc.notify.{action}", request, reply, timeout=2.0)  # type: ignore[arg-type]


async def test_a_daily_digest_gathers_the_days_news_into_one_mail(
    settings: Settings, notifies: list[RunningService], smtp: SmtpServer,
    bus_client: NatsBroker, clock: MovableClock, settled: Settled,
) -> None:
    await rpc(bus_client, "subscribe", Subscribe(
        email="digest@example.org", language="en", topics=["sustainable_procurement"],
        frequency="daily"), SubscriptionRequested)
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    token = re.search(r"confirm\?token=(\S+)", parts(smtp.inbox.messages[0])["text/plain"])
    assert token is not None
    state = await rpc(bus_client, "confirm_subscription",
                      SubscriptionToken(token=token.group(1)), SubscriptionState)
    assert state.status == "active"  # type: ignore[attr-defined]
    await publish(bus_client, document("doc-a", ["sustainable_procurement"]))
    await publish(bus_client, document("doc-b", ["sustainable_procurement", "msmes"]))
    await publish(bus_client, document("doc-c", ["open_data"]))  # not followed
    await settled()
    assert len(smtp.inbox.messages) == 1  # nothing until the day is over
    await all_recorded(settings)
    clock.advance(timedelta(days=1))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await asyncio.sleep(0.5)  # the other replica's digest poller (timed: quiet cannot see it)
    await settled()  # and whatever it queued is sent
    assert len(smtp.inbox.messages) == 2  # two replicas, one digest
    digest = smtp.inbox.messages[1]
    assert digest["Subject"] == "Your INGP digest: 2 new in the repository"
    text = parts(digest)["text/plain"]
    assert "/documents/doc-a" in text and "/documents/doc-b" in text
    assert "doc-c" not in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    await all_recorded(settings)
    clock.advance(timedelta(days=1))
    await asyncio.sleep(0.5)  # digest poll rounds (timed: quiet cannot see them)
    await settled()  # and whatever they queued is sent
    assert len(smtp.inbox.messages) == 2  # an empty day sends nothing


async def test_translators_hear_of_jobs_for_the_pairs_they_follow(
    notifies: list[RunningService], smtp: SmtpServer, bus_client: NatsBroker, settled: Settled,
) -> None:
    from shared.contracts.translate.events import JobQueued, JobRef

    await rpc(bus_client, "subscribe", Subscribe(
        email="traductora@example.org", language="es", documents=False,
        translation_pairs=["es>en"]), SubscriptionRequested)
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    token = re.search(r"confirm\?token=(\S+)", parts(smtp.inbox.messages[0])["text/plain"])
    assert token is not None
    await rpc(bus_client, "confirm_subscription", SubscriptionToken(token=token.group(1)),
              SubscriptionState)
    await publish(bus_client, document("doc-a", ["sustainable_procurement"]))  # no news wanted
    for job_id, target in (("job-pt", "pt"), ("job-en", "en")):
        await publish(bus_client, JobQueued(job=JobRef(
            job_id=job_id, document_id="doc-a", revision=1, source_language="es",
            target_language=target)))  # type: ignore[arg-type]
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await settled()
    assert len(smtp.inbox.messages) == 2
    job = smtp.inbox.messages[1]
    assert job["Subject"] == "Una traducción le espera: Guía de compras sostenibles"
    assert "(español → inglés)" in parts(job)["text/plain"]
    assert "/documents/doc-a?lang=es" in parts(job)["text/plain"]  # the text to translate
    assert "job-en" in parts(job)["text/plain"]
    assert job["List-Unsubscribe"]
