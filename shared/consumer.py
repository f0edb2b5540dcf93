"""Durable event consumers: idempotent, retried with back-off, dead-lettered when hopeless.

Each message goes through the same steps: parse the CloudEvent (a malformed one is rejected at
once: retrying cannot fix it), skip it if this consumer already applied its id, run the
handler, record the id, acknowledge. A handler that fails is retried after a growing delay;
after `max_deliver` deliveries the message is copied to the dead-letter stream with the reason
and acknowledged, so the messages behind it keep flowing. What can never pass (invalid data,
a `PermanentFailure`, a `ServiceError` other than `TEMPORARY_CODES`) is dead-lettered at once.

While a handler runs, the message is reported in progress every third of the ack wait: a
handler slower than the ack wait (a long import, a slow dependency) is otherwise redelivered
while it still works, and another replica, finding no inbox record yet, applies it a second
time concurrently. A process that dies stops reporting, and JetStream redelivers after one ack
wait as before.

A fetched batch is handled concurrently, so two copies of one event (published twice under
different message ids, or redelivered while still in the batch) can be in hand at once: both
would find no inbox record and both apply it. Each event id is held by one copy at a time in a
process, so the second finds the first's record and is only acknowledged.

An event type may keep its own record instead (`self_deduplicating`): each of its handler's
writes carries the event id, so that a copy of the event changes nothing (notify's participant
mails: the delivery's `_id` holds the event id, the audience record the id of the event that
last wrote it). Such an event skips the inbox's read and write, two commands of each event,
and keeps both promises: a second copy finds the handler's own records and writes nothing,
and a failed or interrupted one is retried as any other, since nothing says it was applied
but its handler's own writes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import nats.errors
from faststream import AckPolicy
from faststream.nats import AckPolicy as NatsAckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsMessage, NatsRouter, PullSub
from faststream.nats.message import NatsMessage as HandledMessage  # a class, not an alias
from pydantic import ValidationError

from shared.bus import ServiceError
from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.dlq import DeadLetter, dead_letter, publish_rejection
from shared.durables import DurableTerms
from shared.inbox import AppliedEvents, Inbox
from shared.refusal import Refusal
from shared.service import Runtime
from shared.streams import service_stream

log = logging.getLogger(__name__)

EventHandler = Callable[[CloudEvent], Awaitable[None]]
DEFAULT_BACKOFF = (1.0, 5.0, 15.0, 60.0)
ACK_WAIT = 30.0
"""Seconds JetStream waits for an acknowledgement (or an in-progress report) before redelivering."""
PULL_WAIT_S = 10.0
"""How long one pull request waits on the server for messages. A pull returns as soon as a
message arrives, so this adds no latency; it is the rate of empty pulls while idle (every
durable consumer of every service pulls again after each empty one: 1 s made ~16 a second).
Longer is not free: a pull request dies with the connection, and the client keeps waiting
for it until it expires, so after a NATS outage a consumer resumes up to this late."""


class PermanentFailure(Exception):
    """Raised by a handler for an event that can never be applied: dead-letter it at once."""


TEMPORARY_CODES: frozenset[str] = frozenset({"conflict", "unavailable"})
"""Refusals that may pass on a later delivery: the state changed under the handler ("kept
changing; try again") or a dependency did not answer. Retried like any other failure."""


def subscribe(
    router: NatsRouter,
    runtime: Runtime,
    *,
    subject: str,
    stream: str,
    durable: str,
    handler: EventHandler,
    backoff: Sequence[float] = DEFAULT_BACKOFF,
    ack_wait: float = ACK_WAIT,
    self_deduplicating: Collection[str] = frozenset(),
) -> None:
    """Register a durable pull consumer shared by all replicas of the service.

    `self_deduplicating`: event types whose handler applies each event once by itself, with
    no inbox record (see the module's docstring)."""
    max_deliver = runtime.settings.consumer_max_deliver
    inbox = runtime.inbox if runtime.inbox is not None else Inbox(runtime.db)
    in_hand = EventsInHand()
    runtime.consumers.append((stream, durable))  # watched for lag (shared.metrics)
    # The server's own limit is above ours, so the last delivery always reaches the code
    # that dead-letters it instead of being dropped by the server.
    terms = DurableTerms(stream, durable, subject, max_deliver + 2, ack_wait)
    runtime.durables.append(terms)

    @router.subscriber(
        subject,
        stream=JStream(stream, declare=False),
        durable=durable,
        pull_sub=PullSub(batch_size=16, timeout=PULL_WAIT_S),
        ack_policy=AckPolicy.MANUAL,
        config=ConsumerConfig(ack_policy=NatsAckPolicy.EXPLICIT, max_deliver=terms.max_deliver,
                              ack_wait=terms.ack_wait),
        title=durable,
    )
    async def consume(message: NatsMessage) -> None:
        async with reported_in_progress(message, every=ack_wait / 3):
            await _process(message, runtime, inbox, in_hand, durable, handler, max_deliver,
                           backoff, self_deduplicating)


@asynccontextmanager
async def reported_in_progress(message: NatsMessage, *, every: float) -> AsyncIterator[None]:
    """While the body runs, tell JetStream every `every` seconds that `message` is being
    worked on, which restarts its ack wait."""

    async def report() -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await message.in_progress()
            except (nats.errors.Error, OSError) as error:
                # Unreachable bus: JetStream redelivers after the ack wait, the inbox skips it.
                log.debug("in-progress report failed", extra={"error": type(error).__name__})

    reporter = asyncio.create_task(report())
    try:
        yield
    finally:
        reporter.cancel()
        await asyncio.gather(reporter, return_exceptions=True)


class EventsInHand:
    """The event ids this process is applying now: one copy of an event at a time."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def holding(self, event_id: str) -> AsyncIterator[None]:
        """Hold `event_id` while the body runs; a second copy waits for the first."""
        lock, users = self._locks.get(event_id, (asyncio.Lock(), 0))
        self._locks[event_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            users = self._locks[event_id][1] - 1
            if users:
                self._locks[event_id] = (lock, users)
            else:
                del self._locks[event_id]


async def _process(
    message: NatsMessage, runtime: Runtime, inbox: AppliedEvents, in_hand: EventsInHand,
    durable: str, handler: EventHandler, max_deliver: int, backoff: Sequence[float],
    self_deduplicating: Collection[str],
) -> None:
    raw = message.raw_message
    letter = DeadLetter(consumer=durable, subject=raw.subject, body=raw.data,
                        headers=dict(raw.headers or {}), stream=raw.metadata.stream,
                        sequence=raw.metadata.sequence.stream,
                        deliveries=raw.metadata.num_delivered)
    try:
        event = CloudEvent.from_nats(raw.data, raw.headers or {})
    except InvalidEnvelope as error:
        await dead_letter(runtime.broker, letter, str(error))
        if raw.subject.startswith("ingest."):
            await publish_rejection(runtime, letter, str(error))
        await message.ack()
        return
    recorded = event.type not in self_deduplicating
    async with in_hand.holding(event.id):
        if recorded and await inbox.applied(durable, event.id):
            await message.ack()
            return
        try:
            await handler(event)
        except Exception as error:
            await _failed(message, runtime, letter, error, max_deliver, backoff)
            return
        if recorded:
            await inbox.record(durable, event.id, datetime.now(UTC))
        await message.ack()


async def _failed(
    message: NatsMessage, runtime: Runtime, letter: DeadLetter, error: Exception,
    max_deliver: int, backoff: Sequence[float],
) -> None:
    if permanent(error) or letter.deliveries >= max_deliver:
        reason = describe_failure(error)
        await dead_letter(runtime.broker, letter, reason)
        if letter.subject.startswith("ingest."):
            await publish_rejection(runtime, letter, reason)
        await message.ack()
        return
    delay = backoff[min(letter.deliveries, len(backoff)) - 1]
    log.warning("event handler failed; will retry",
                extra={"consumer": letter.consumer, "error": type(error).__name__,
                       "delivery": letter.deliveries, "retry_in_s": delay})
    await message.nack(delay=delay)


def permanent(error: Exception) -> bool:
    """Whether no later delivery can succeed, so the event is dead-lettered at once."""
    if isinstance(error, ServiceError | Refusal):
        return error.code not in TEMPORARY_CODES
    return isinstance(error, PermanentFailure | ValidationError)


def describe_failure(error: Exception) -> str:
    """A reason for operators that carries no input values (they may hold personal data)."""
    if isinstance(error, ValidationError):
        fields: list[Any] = [".".join(str(p) for p in e["loc"]) + f": {e['msg']}"
                             for e in error.errors(include_input=False, include_url=False)]
        return "invalid event data: " + "; ".join(fields)
    if isinstance(error, PermanentFailure | ServiceError | Refusal):
        return f"{type(error).__name__}: {error}"
    return f"handler failed: {type(error).__name__}"


def delivered_subject(runtime: Runtime) -> str:
    """The subject the event being handled arrived on: the server routed it there, after
    checking the sender's permissions, so unlike the data it cannot be forged. (Handlers are
    given the event only; FastStream keeps the message being handled in its context.)"""
    message = runtime.broker.context.get_local("message")
    if not isinstance(message, HandledMessage):
        raise RuntimeError("no NATS message is being handled")
    return message.raw_message.subject


def dispatcher(routes: dict[str, EventHandler]) -> EventHandler:
    """One consumer per stream; each event type goes to its handler, others are skipped."""

    async def dispatch(ce: CloudEvent) -> None:
        handler = routes.get(ce.type)
        if handler is not None:
            await handler(ce)

    return dispatch


def consume_streams(runtime: Runtime, routes_by_source: dict[str, dict[str, EventHandler]],
                    self_deduplicating: Collection[str] = frozenset()) -> NatsRouter:
    """A durable consumer `<service>-<source>` of each source service's whole stream, each
    event type going to its handler (notify and numbers read three streams this way);
    `self_deduplicating` as in `subscribe`."""
    router = NatsRouter()
    for source, routes in routes_by_source.items():
        subscribe(router, runtime, subject=f"{source}.>", stream=service_stream(source).name,
                  durable=f"{runtime.service}-{source}", handler=dispatcher(routes),
                  self_deduplicating=self_deduplicating)
    return router
