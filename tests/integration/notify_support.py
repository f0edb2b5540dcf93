"""What the notify tests share: the SMTP server's inbox (the `smtp` fixture lives in
conftest.py), events and session snapshots (the clock they move is tests/support/clock.py)."""

from __future__ import annotations

import email
import email.message
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from email.policy import default
from typing import Any

from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.settings import NotifySettings, SmtpSettings
from shared.bus import call
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot
from shared.contracts.events import Event
from shared.contracts.notify.rpc import DeliveryPage, ListDeliveries
from shared.contracts.registration import events as reg
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.support import eventually
from tests.support.clock import MovableClock

START = datetime(2030, 3, 4, 15, 0, tzinfo=UTC)


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps messages; `refusals` answers the first DATA commands."""

    refusals: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    """The SMTP envelope's RCPT TO of each kept message."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refusals:
                answer = self.refusals.pop(0)
                self.answered.append(answer)
                return answer
            self.messages.append(email.message_from_bytes(envelope.original_content,
                                                          policy=default))
            self.recipients.extend(envelope.rcpt_tos)
            self.answered.append("250")
        return "250 OK"


@dataclass
class SmtpServer:
    port: int
    inbox: Inbox


def smtp_settings_for(server: SmtpServer) -> SmtpSettings:
    """Notify's mail settings pointing at the test's SMTP server."""
    return SmtpSettings(smtp_host="127.0.0.1", smtp_port=server.port)


def snapshot(**changes: Any) -> reg.SessionSnapshot:
    base: dict[str, Any] = dict(
        session_id="ses-1", title={"es": "Compras públicas sostenibles",
                                   "en": "Sustainable public procurement"},
        summary={"es": "Experiencias de la región.", "en": "Experience from the region."},
        format="webinar", topics=["sustainable_procurement"], starts_at=START,
        ends_at=START + timedelta(minutes=90), timezone="America/Bogota",
        languages=["es", "en"], sequence=0, join_url=None)
    base.update(changes)
    return reg.SessionSnapshot(**base)


def participant(email_: str = "maria.perez@example.org", language: str = "es",
                name: str = "María Pérez") -> reg.Participant:
    return reg.Participant(name=name, email=email_, preferred_language=language,  # type: ignore[arg-type]
                           country="CO")


def confirmed(registration_id: str = "reg-1", language: str = "es",
              email_: str = "maria.perez@example.org", **session: Any
              ) -> reg.ParticipantConfirmed:
    return reg.ParticipantConfirmed(
        registration_id=registration_id, participant=participant(email_, language),
        session=snapshot(join_url="https://meet.example.org/j/42", **session),
        cancel_token="tok.abc123")


async def publish(broker: NatsBroker, event: Event, event_id: str | None = None,
                  time: datetime | None = None) -> str:
    """Publish `event` on its stream as the registration service would; returns its id."""
    event_id = event_id or uuid.uuid4().hex
    ce = event.to_cloudevent(event_id=event_id, source="dialogues/registration",
                             time=time or datetime.now(UTC))
    body, headers = ce.to_nats()
    headers["Nats-Msg-Id"] = event_id
    subject = event.subject()
    await broker.publish(body, subject, headers=headers, stream=subject.split(".")[0].upper())
    return event_id


async def all_recorded(settings: Settings, timeout: float = 10.0) -> None:
    """Wait until no mail is mid-send. The SMTP server holds a message a moment before its
    sender records `sent`: a test that jumps the clock then would expire that lease, and
    the mail would rightly be sent again (delivery is at least once after a lost lease)."""
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    try:
        deliveries = client[settings.database_name("notify")]["deliveries"]

        async def none_mid_send() -> bool:
            return await deliveries.count_documents({"status": "sending"}) == 0

        await eventually(none_mid_send, timeout=timeout, what="no mail mid-send")
    finally:
        await client.close()


def parts(message: Message) -> dict[str, Any]:
    """The text, HTML and calendar parts of a message."""
    found: dict[str, Any] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html", "text/calendar"):
            found[kind] = part.get_content()
    return found


FAST = NotifySettings(send_rate=1000, retry_base_seconds=0.2, poll_seconds=0.05)


async def deliveries(broker: NatsBroker, **filters: str) -> DeliveryPage:
    return await call(broker, "rpc.notify.list_deliveries", ListDeliveries(**filters),
                      DeliveryPage, timeout=2.0)


def document(document_id: str, topics: list[str]) -> DocumentPublished:
    return DocumentPublished(document=DocumentSnapshot(
        document_id=document_id, revision=1, type="guide", source_language="es",
        texts={"title": {"es": "Guía de compras sostenibles", "en": "Sustainable buying guide"}},
        available_languages=["es", "en"], missing_languages=[], topics=topics,  # type: ignore[arg-type]
        countries=["CO"], published_on=date(2030, 1, 1)))


@asynccontextmanager
async def two_notifies(settings: Settings, smtp: SmtpServer, clock: MovableClock,
                       notify_settings: NotifySettings) -> AsyncIterator[list[RunningService]]:
    """Two notify replicas on the test's servers, sharing `clock` and `notify_settings`:
    what one does, the other must not do again."""
    spec = build_spec(clock, notify_settings, smtp_settings_for(smtp))
    both = [await start_service(spec, settings) for _ in range(2)]
    try:
        yield both
    finally:
        for service in both:
            await service.stop()
