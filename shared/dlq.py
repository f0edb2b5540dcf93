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
from shared.metrics import DEAD_LETTERS

if TYPE_CHECKING:
    from shared.service import Runtime

log = logging.getLogger(__name__)
REASON_LIMIT = 1_000
REJECTION_SUBJECT = "ingest.rejected.v1"


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
