"""Waiting until nothing more will happen: the barrier before asserting that something did not.

A fixed sleep before "and nothing else happened" passes on a slow machine when it should not:
the event that would have broken the assertion is simply still on its way. `quiet` instead
asks every place where work can wait whether it is empty:
- JetStream: every durable consumer of every stream has nothing pending and nothing delivered
  but not yet acknowledged (a handler at work, or a failed message waiting for its retry);
- each service's outbox: no document holds events the relay has not published yet;
- notify's deliveries: no mail being sent, and none queued that was never tried. A mail that
  failed and waits for its retry is scheduled work, like a poller's next round: it is not in
  flight (and with no mail server, or a test's frozen clock, it may wait for ever).
Work moves from one place to the next (a handler writes an outbox entry, then acknowledges;
the relay publishes, then removes the entry), so a look that finds all of them empty is
settled. It must be seen twice in a row, a short interval apart, with no stream having grown
in between: a message between two steps (published by a process the test does not see) is
then not missed.

What this cannot see: work started by a clock (pollers, reminders) after the barrier, and
core NATS requests in flight. Tests that depend on those wait for them explicitly.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nats
from pymongo import AsyncMongoClient

from services.notify.store.deliveries import DELIVERIES
from shared.db import Document
from shared.outbox import OUTBOX_FIELD
from shared.settings import Settings

DEFAULT_TIMEOUT_S = 15.0
INTERVAL_S = 0.1
PENDING_OUTBOX: Document = {OUTBOX_FIELD: {"$elemMatch": {"at": {"$gt": datetime(1970, 1, 1,
                                                                                 tzinfo=UTC)}}}}
"""The relay's own query for documents with entries to publish (`$elemMatch`: the stand-in
does not look into arrays for dotted paths)."""
MAIL_IN_HAND: Document = {"status": {"$in": ["queued", "sending"]}}
Settled = Callable[..., Awaitable[None]]
"""The `settled` fixture: `await settled()` (or `settled(timeout=...)`), a bound `quiet`."""


@dataclass(frozen=True)
class Servers:
    """Where a system under test keeps its messages and its databases."""

    nats_url: str
    mongo_url: str
    db_prefix: str

    @classmethod
    def of(cls, settings: Settings) -> Servers:
        """The servers of services run in the test's own process with `settings`."""
        return cls(settings.effective_nats_url(), settings.effective_mongo_url(),
                   settings.db_prefix)

    @classmethod
    def of_up(cls, data_dir: Path) -> Servers:
        """The servers a running `dialogues up` recorded in its data folder."""
        recorded = json.loads((data_dir / "run" / "endpoints.json").read_text())
        prefix = os.environ.get("DB_PREFIX", Settings.model_fields["db_prefix"].default)
        return cls(recorded["NATS_URL"], recorded["MONGO_URL"], prefix)


@dataclass(frozen=True)
class Look:
    """One look at the system: what was still busy, and how far each stream had grown."""

    busy: tuple[str, ...]
    stream_ends: tuple[tuple[str, int], ...]

    @property
    def settled(self) -> bool:
        return not self.busy


def settled_twice(first: Look, second: Look) -> bool:
    """Two looks agree that all is done: both settled, and no stream grew between them."""
    return first.settled and second.settled and first.stream_ends == second.stream_ends


def consumer_busy(stream: str, durable: str, pending: int, unacknowledged: int) -> str | None:
    """How a durable consumer is still at work, or None when it has nothing left."""
    if pending == 0 and unacknowledged == 0:
        return None
    return f"consumer {stream}/{durable}: {pending} pending, {unacknowledged} unacknowledged"


def mail_in_flight(record: Document) -> bool:
    """Whether notify is at a mail: sending it, or about to (queued and never tried)."""
    return record.get("status") == "sending" or (
        record.get("status") == "queued" and not record.get("attempts"))


async def wait_until_settled(look: Callable[[], Awaitable[Look]], *, timeout: float,
                             interval: float = INTERVAL_S) -> None:
    """Look until two looks in a row, `interval` apart, agree that all is done.

    Fails after `timeout` seconds, saying what the last look found busy.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    before = await look()
    while True:
        await asyncio.sleep(interval)
        now = await look()
        if settled_twice(before, now):
            return
        busy = "; ".join(now.busy) or "a stream grew between two looks"
        assert loop.time() < deadline, f"not quiet after {timeout:g} s: {busy}"
        before = now


async def quiet(servers: Servers, *, timeout: float = DEFAULT_TIMEOUT_S,
                interval: float = INTERVAL_S) -> None:
    """Return once the system on `servers` has settled (see the module's docstring)."""
    # NATS_URL may name a cluster's nodes, comma-separated: nats-py takes them as a list.
    connection = await nats.connect(servers.nats_url.split(","), max_reconnect_attempts=2,
                                    connect_timeout=2)
    mongo: AsyncMongoClient[Document] = AsyncMongoClient(servers.mongo_url,
                                                         serverSelectionTimeoutMS=5000)
    try:
        async def look() -> Look:
            ends, consumers = await _look_at_streams(connection)
            busy = consumers + await _look_at_databases(mongo, servers.db_prefix)
            return Look(tuple(busy), ends)

        await wait_until_settled(look, timeout=timeout, interval=interval)
    finally:
        await connection.close()
        await mongo.close()


def quiet_now(servers: Servers, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """`quiet` for a synchronous test (the e2e and browser tests). In a thread of its own:
    Playwright's sync API keeps an event loop running in the test's thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, quiet(servers, timeout=timeout)).result()


async def _look_at_streams(
    connection: nats.aio.client.Client,
) -> tuple[tuple[tuple[str, int], ...], list[str]]:
    js = connection.jetstream(timeout=5)
    ends: list[tuple[str, int]] = []
    busy: list[str] = []
    for stream in await js.streams_info():
        name = stream.config.name
        assert name is not None
        ends.append((name, stream.state.last_seq))
        for consumer in await js.consumers_info(name):
            if consumer.config.durable_name is None:
                continue  # a test's own ephemeral reader, not a service
            found = consumer_busy(name, consumer.config.durable_name,
                                  consumer.num_pending or 0, consumer.num_ack_pending or 0)
            if found is not None:
                busy.append(found)
    return tuple(sorted(ends)), busy


async def _look_at_databases(mongo: AsyncMongoClient[Document], prefix: str) -> list[str]:
    busy: list[str] = []
    for name in await mongo.list_database_names():
        if not name.startswith(f"{prefix}_"):
            continue
        db = mongo[name]
        for collection in sorted(await db.list_collection_names()):
            waiting = await db[collection].find(PENDING_OUTBOX, {"_id": 1}).to_list()
            if waiting:
                busy.append(f"outbox {name}.{collection}: {len(waiting)} documents")
            if collection == DELIVERIES:
                mails = await db[collection].find(
                    MAIL_IN_HAND, {"status": 1, "attempts": 1}).to_list()
                in_hand = [mail for mail in mails if mail_in_flight(mail)]
                if in_hand:
                    busy.append(f"mail {name}: {len(in_hand)} queued or being sent")
    return busy
