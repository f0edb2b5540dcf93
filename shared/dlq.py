"""The dead-letter path: messages no consumer could apply, kept with the reason.

A dead letter is published on `dlq.<consumer>.<original subject>` into the DLQ stream with the
original body and headers, plus `dlq-*` headers saying why, where it came from and how many
deliveries it had. Its `Nats-Msg-Id` names the original stream sequence, so dead-lettering the
same message twice stores it once.

A replay publishes a dead letter again, so it must not become a way to publish anything: any
service may write dead letters under its own consumers' names, and what they say about
themselves (`dlq-subject`, `dlq-stream`) is theirs to choose. A letter is replayed only onto a
subject of a known stream (`REPLAYABLE_STREAMS`), only if it names that stream, was stored
under `dlq.<its consumer>.<that subject>`, and that consumer exists on that stream and reads
that subject; JetStream headers it carries (`Nats-*`) are dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

import nats.js.errors
from faststream.nats import NatsBroker
from nats.js import JetStreamContext

from shared.contracts.envelope import CloudEvent
from shared.metrics import DEAD_LETTERS
from shared.settings import SERVICES
from shared.streams import INGEST_STREAM, StreamSpec, service_stream

if TYPE_CHECKING:
    from shared.service import Runtime

log = logging.getLogger(__name__)
REASON_LIMIT = 1_000
REJECTION_SUBJECT = "ingest.rejected.v1"
REPLAYABLE_STREAMS: tuple[StreamSpec, ...] = (
    *(service_stream(service) for service in SERVICES), INGEST_STREAM)
"""The streams a dead letter may go back to: every service's events and `ingest.>`."""


@dataclass(frozen=True)
class DeadLetter:
    """A message as it was delivered, and where it came from."""

    consumer: str
    subject: str
    body: bytes
    headers: dict[str, str]
    stream: str
    sequence: int
    deliveries: int


async def dead_letter(broker: NatsBroker, letter: DeadLetter, reason: str) -> None:
    """Store the message in the DLQ stream with the reason (raises if the bus is down)."""
    headers = {k: v for k, v in letter.headers.items() if k != "Nats-Msg-Id"}
    headers.update({
        "dlq-reason": reason[:REASON_LIMIT],
        "dlq-consumer": letter.consumer,
        "dlq-subject": letter.subject,
        "dlq-stream": letter.stream,
        "dlq-stream-sequence": str(letter.sequence),
        "dlq-deliveries": str(letter.deliveries),
        "dlq-time": datetime.now(UTC).isoformat(),
        "Nats-Msg-Id": f"dlq:{letter.consumer}:{letter.stream}:{letter.sequence}",
    })
    await broker.publish(letter.body, f"dlq.{letter.consumer}.{letter.subject}",
                         headers=headers, stream="DLQ", timeout=5.0)
    DEAD_LETTERS.add(1, {"consumer": letter.consumer})
    log.warning("message dead-lettered", extra={"consumer": letter.consumer,
                                                "subject": letter.subject,
                                                "stream_sequence": letter.sequence})


async def publish_rejection(runtime: Runtime, letter: DeadLetter, reason: str) -> None:
    """Tell the system that sent an `ingest.>` event why it was refused.

    Rejections of every service go on one subject, `ingest.rejected.v1` (in the INGEST stream,
    beside what was sent), so a sender follows its outcomes in one place without reading the
    DLQ; `source` says which service refused it and `subject` names the refused event's id.
    """
    rejection = CloudEvent(
        id=str(uuid4()), type=REJECTION_SUBJECT,
        source=f"dialogues/{runtime.service}", time=datetime.now(UTC),
        subject=letter.headers.get("ce-id"),
        data={"subject": letter.subject, "event_id": letter.headers.get("ce-id"),
              "reason": reason[:REASON_LIMIT], "stream_sequence": letter.sequence},
    )
    body, headers = rejection.to_nats()
    await runtime.broker.publish(body, REJECTION_SUBJECT, headers=headers, stream="INGEST",
                                 timeout=5.0)


@dataclass(frozen=True)
class StoredDeadLetter:
    """A message waiting in the DLQ stream, as an operator sees it."""

    sequence: int
    subject: str
    consumer: str
    stream: str
    """The stream the letter says it came from (`dlq-stream`)."""
    stored_subject: str
    """Its subject in the DLQ stream, `dlq.<consumer>.<subject>` when it is what it says."""
    reason: str
    deliveries: int
    time: str
    event_id: str | None
    headers: dict[str, str]
    body: bytes


async def read_dead_letters(broker: NatsBroker, limit: int = 1_000) -> list[StoredDeadLetter]:
    """The messages in the DLQ stream, oldest first."""
    js = broker.connection.jetstream()
    state = (await js.stream_info("DLQ")).state
    letters: list[StoredDeadLetter] = []
    sequence = state.first_seq
    while sequence and sequence <= state.last_seq and len(letters) < limit:
        try:
            message = await js.get_msg("DLQ", sequence)
        except nats.js.errors.NotFoundError:  # deleted (replayed) or purged
            sequence += 1
            continue
        headers = dict(message.headers or {})
        letters.append(StoredDeadLetter(
            sequence=sequence, subject=headers.get("dlq-subject", ""),
            consumer=headers.get("dlq-consumer", ""), stream=headers.get("dlq-stream", ""),
            stored_subject=message.subject or "", reason=headers.get("dlq-reason", ""),
            deliveries=int(headers.get("dlq-deliveries", "0")), time=headers.get("dlq-time", ""),
            event_id=headers.get("ce-id"), headers=headers, body=message.data or b""))
        sequence += 1
    return letters


class ReplayRefused(Exception):
    """A dead letter that may not be replayed; the message says why."""


def subject_matches(subject: str, pattern: str) -> bool:
    """Whether a subject falls under a NATS pattern (`*` one token, `>` the rest)."""
    parts, wanted = subject.split("."), pattern.split(".")
    for index, part in enumerate(wanted):
        if part == ">":
            return len(parts) > index
        if index >= len(parts) or part not in ("*", parts[index]):
            return False
    return len(parts) == len(wanted)


async def check_replay(js: JetStreamContext, letter: StoredDeadLetter) -> StreamSpec:
    """The stream to replay `letter` into; ReplayRefused unless it is where the letter came
    from (see the module's docstring)."""
    stream = next((spec for spec in REPLAYABLE_STREAMS
                   if any(subject_matches(letter.subject, s) for s in spec.subjects)), None)
    if stream is None:
        known = ", ".join(s for spec in REPLAYABLE_STREAMS for s in spec.subjects)
        raise ReplayRefused(f"{letter.subject!r} is not a subject of a known stream ({known})")
    if letter.stream != stream.name:
        raise ReplayRefused(f"it names stream {letter.stream!r}, but {letter.subject!r} "
                            f"belongs to {stream.name}")
    if letter.stored_subject != f"dlq.{letter.consumer}.{letter.subject}":
        raise ReplayRefused(f"it was stored on {letter.stored_subject!r}, not under its "
                            f"consumer {letter.consumer!r} and subject {letter.subject!r}")
    try:
        config = (await js.consumer_info(stream.name, letter.consumer)).config
    except nats.js.errors.NotFoundError:
        raise ReplayRefused(f"stream {stream.name} has no consumer {letter.consumer!r}"
                            ) from None
    filters = [config.filter_subject] if config.filter_subject else config.filter_subjects
    if filters and not any(subject_matches(letter.subject, f) for f in filters):
        raise ReplayRefused(f"consumer {letter.consumer!r} of {stream.name} does not read "
                            f"{letter.subject!r}")
    return stream


async def replay_dead_letter(broker: NatsBroker, letter: StoredDeadLetter) -> None:
    """Publish the message again on its original subject, then remove it from the DLQ.

    ReplayRefused, and nothing published or removed, unless `check_replay` allows it. It
    keeps its event id, so consumers that applied it already skip it; the replay's own
    `Nats-Msg-Id` names the DLQ entry, so a replay repeated within the window is stored once.
    """
    js = broker.connection.jetstream()
    stream = await check_replay(js, letter)
    headers = {key: value for key, value in letter.headers.items()
               if not key.lower().startswith(("dlq-", "nats-"))}
    headers["Nats-Msg-Id"] = f"replay:DLQ:{letter.sequence}"
    await broker.publish(letter.body, letter.subject, headers=headers, stream=stream.name,
                         timeout=5.0)
    await js.delete_msg("DLQ", letter.sequence)
    log.info("dead letter replayed", extra={"dlq_sequence": letter.sequence,
                                            "subject": letter.subject})
