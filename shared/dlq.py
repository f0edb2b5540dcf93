"""The dead-letter path: messages no consumer could apply, kept with the reason.

A dead letter is published on `dlq.<consumer>.<original subject>` into the DLQ stream with the
original body and headers, plus `dlq-*` headers saying why, where it came from and how many
deliveries it had. Its `Nats-Msg-Id` names the original stream sequence, so dead-lettering the
same message twice stores it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from faststream.nats import NatsBroker

from shared.contracts.envelope import CloudEvent

if TYPE_CHECKING:
    from shared.service import Runtime

log = logging.getLogger(__name__)
REASON_LIMIT = 1_000


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
    log.warning("message dead-lettered", extra={"consumer": letter.consumer,
                                                "subject": letter.subject,
                                                "stream_sequence": letter.sequence})


async def publish_rejection(runtime: Runtime, letter: DeadLetter, reason: str) -> None:
    """Tell the system that sent an `ingest.>` event why it was refused.

    The rejection is an event of the consuming service (`<service>.ingest.rejected.v1`), so the
    sender can subscribe to its outcome without reading the DLQ.
    """
    rejection = CloudEvent(
        id=str(uuid4()), type=f"{runtime.service}.ingest.rejected.v1",
        source=f"dialogues/{runtime.service}", time=datetime.now(UTC),
        subject=letter.headers.get("ce-id"),
        data={"subject": letter.subject, "event_id": letter.headers.get("ce-id"),
              "reason": reason[:REASON_LIMIT], "stream_sequence": letter.sequence},
    )
    body, headers = rejection.to_nats()
    await runtime.broker.publish(body, rejection.type, headers=headers,
                                 stream=runtime.service.upper(), timeout=5.0)
