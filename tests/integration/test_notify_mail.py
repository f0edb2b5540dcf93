"""Registration events become mails in each language, once, through a real SMTP server."""

from __future__ import annotations

import email.message
import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiosmtplib
import icalendar
import pytest
from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.domain.strings import Strings
from services.notify.domain.texts import SUBJECT
from shared.contracts.notify.rpc import DeliveryPage
from shared.contracts.registration import events as reg
from shared.inbox import COLLECTION as APPLIED
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    FAST,
    START,
    SmtpServer,
    confirmed,
    deliveries,
    participant,
    parts,
    publish,
    smtp_settings_for,
    snapshot,
)
from tests.support import eventually
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration

STRINGS = Strings.load()


@pytest.fixture
async def notify(settings: Settings, smtp: SmtpServer) -> AsyncIterator[RunningService]:
    service = await start_service(build_spec(options=FAST, smtp=smtp_settings_for(smtp)), settings)
    yield service
    await service.stop()


def calendar_of(message: object) -> icalendar.Calendar:
    ics = parts(message)["text/calendar"]  # type: ignore[arg-type]
    return icalendar.Calendar.from_ical(ics)


@pytest.mark.parametrize("language", ["es", "en", "pt", "fr"])
async def test_a_confirmation_is_a_complete_mail_in_the_participants_language(
    language: str, notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    await publish(bus_client, confirmed(language=language))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    message = smtp.inbox.messages[0]
    title = "Sustainable public procurement" if language == "en" \
        else "Compras públicas sostenibles"  # no pt/fr title: the session's first language
    assert message["Subject"] == STRINGS.t(language, SUBJECT["confirmed"], title=title)  # type: ignore[arg-type]
    assert message["To"].addresses[0].addr_spec == "maria.perez@example.org"
    assert message["Content-Language"] == language
    assert message["Message-ID"].endswith("@ingp.invalid>")
    assert "List-Unsubscribe" not in message  # transactional
    found = parts(message)
    for part in ("text/plain", "text/html"):
        assert "https://meet.example.org/j/42" in found[part]
        assert "/registrations/cancel?token=tok.abc123" in found[part]
        assert "(America/Bogota, " in found[part]  # 15:00 UTC shown as 10:00 Bogotá
        assert "-05:00" in found[part]  # the offset, written the language's CLDR way
        assert "10:00" in found[part]
    event = calendar_of(message).walk("VEVENT")[0]
    assert calendar_of(message)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "session-ses-1@dialogues.ingp"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(minutes=90)


async def test_every_participant_mail_in_every_language(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    languages = ("es", "en", "pt", "fr")
    for language in languages:
        common = dict(participant=participant(f"p-{language}@example.org", language),
                      session=snapshot(), cancel_token="tok.xyz")
        for event in (
            reg.ParticipantWaitlisted(registration_id=f"w-{language}", waitlist_position=3,
                                      **common),
            reg.ParticipantPending(registration_id=f"p-{language}", **common),
            reg.ParticipantRejected(registration_id=f"r-{language}", reason="Cupo", **common),
            reg.ParticipantPromoted(registration_id=f"o-{language}", **common),
            reg.ParticipantCancelled(registration_id=f"c-{language}",
                                     cancelled_by="participant", **common),
            reg.ParticipantAttended(registration_id=f"a-{language}", minutes=75, **common),
            reg.ParticipantNoShow(registration_id=f"n-{language}", **common),
        ):
            await publish(bus_client, event)
    await eventually(lambda: len(smtp.inbox.messages) == 7 * 4, timeout=20)
    seen = {(m["Content-Language"], m["Subject"]) for m in smtp.inbox.messages}
    for language in languages:
        title = "Sustainable public procurement" if language == "en" \
            else "Compras públicas sostenibles"
        for kind in ("waitlisted", "pending", "rejected", "promoted", "cancelled", "attended",
                     "no_show"):
            subject = STRINGS.t(language, SUBJECT[kind], title=title)  # type: ignore[arg-type]
            assert (language, subject) in seen, (language, kind)
    for message in smtp.inbox.messages:
        assert {"text/plain", "text/html"} <= parts(message).keys()
        if message["Subject"].startswith(STRINGS.t("en", SUBJECT["cancelled"], title="")):
            assert calendar_of(message)["METHOD"] == "CANCEL"


async def test_an_event_delivered_three_times_gives_one_mail(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker, settled: Settled,
) -> None:
    # A participant event keeps no inbox record (`SELF_DEDUPLICATING`): its delivery's `_id`
    # is what turns away the copies, those in one batch and one after the mail was sent.
    event = confirmed()

    async def deliver_again() -> None:  # a publish that JetStream does not fold
        ce = event.to_cloudevent(event_id="evt-same", source="test", time=datetime.now(UTC))
        body, headers = ce.to_nats()
        headers["Nats-Msg-Id"] = uuid.uuid4().hex
        await bus_client.publish(body, event.subject(), headers=headers,
                                 stream="REGISTRATION")

    for _ in range(3):
        await deliver_again()
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    page = await settled_deliveries(bus_client)
    assert len(page.items) == 1 and page.items[0].status == "sent"
    await deliver_again()
    await publish(bus_client, event, event_id="evt-same-again-later")
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await settled()
    assert len(smtp.inbox.messages) == 2
    assert await notify.runtime.db[APPLIED].count_documents({"event_id": "evt-same"}) == 0


async def test_a_copy_of_a_seat_after_attendance_changes_nothing(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker, settled: Settled,
) -> None:
    # Attendance changes the audience record without a newer event time; a copy of the
    # earlier confirmation (no inbox record stops it) must not write the record back.
    at = datetime.now(UTC)
    event_id = await publish(bus_client, confirmed(), time=at)
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    await publish(bus_client, reg.ParticipantAttended(
        registration_id="reg-1", participant=participant(name="María P."),
        session=snapshot(), cancel_token=None, minutes=50))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await settled()
    recipients = notify.runtime.db["recipients"]
    before = await recipients.find_one({"registration_id": "reg-1"})
    assert before is not None and before["name"] == "María P." and before["active"]
    ce = confirmed().to_cloudevent(event_id=event_id, source="test", time=at)
    body, headers = ce.to_nats()
    headers["Nats-Msg-Id"] = uuid.uuid4().hex  # the same event again, not folded by JetStream
    await bus_client.publish(body, confirmed().subject(), headers=headers, stream="REGISTRATION")
    await settled()
    assert await recipients.find_one({"registration_id": "reg-1"}) == before
    assert len(smtp.inbox.messages) == 2


async def test_a_confirmation_overtaken_by_a_cancellation_is_not_mailed(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker, settled: Settled,
) -> None:
    earlier = datetime.now(UTC) - timedelta(minutes=5)
    await publish(bus_client, reg.ParticipantCancelled(
        registration_id="reg-1", participant=participant(), session=snapshot(),
        cancelled_by="participant"))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    await publish(bus_client, confirmed(), time=earlier)  # redelivered late, out of order
    await publish(bus_client, confirmed(registration_id="reg-2", email_="other@example.org"))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    await settled()
    assert [m["To"].addresses[0].addr_spec for m in smtp.inbox.messages] == [
        "maria.perez@example.org", "other@example.org"]


async def settled_deliveries(bus: NatsBroker) -> DeliveryPage:
    """The delivery log once no mail is mid-send: the SMTP server keeps a mail the moment it
    accepts it, and notify records `sent` just after."""
    async def none_sending() -> DeliveryPage | None:
        page = await deliveries(bus)
        return page if all(item.status != "sending" for item in page.items) else None

    return await eventually(none_sending, 5, "no delivery mid-send")


async def test_a_temporary_refusal_is_retried_into_one_mail(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    smtp.inbox.refusals.extend(["451 4.3.0 greylisted", "421 4.7.0 try again"])
    await publish(bus_client, confirmed())
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=15)
    record = (await settled_deliveries(bus_client)).items[0]
    assert (record.status, record.attempts, record.smtp_code) == ("sent", 3, 250)
    assert smtp.inbox.answered[:2] == ["451 4.3.0 greylisted", "421 4.7.0 try again"]
    assert len(smtp.inbox.messages) == 1


async def test_a_permanent_refusal_is_recorded_failed_and_not_retried(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker, settled: Settled,
) -> None:
    smtp.inbox.refusals.append("550 5.1.1 no such mailbox")
    await publish(bus_client, confirmed())

    async def failed() -> bool:
        page = await deliveries(bus_client, status="failed")
        return len(page.items) == 1
    await eventually(failed, timeout=15, interval=0.1)
    page = await deliveries(bus_client, status="failed")
    record = page.items[0]
    assert (record.attempts, record.smtp_code) == (1, 550)
    assert record.recipient == "m***@e***.org"
    await settled()  # a retry after the refusal would show in the consumer or the mail queue
    assert smtp.inbox.answered == ["550 5.1.1 no such mailbox"]
    js = bus_client.connection.jetstream()
    published = await js.get_last_msg("NOTIFY", "notify.mail.failed.v1")
    assert published.data is not None
    failure = json.loads(published.data)
    assert failure["delivery_id"] == record.id and failure["smtp_code"] == 550
    assert "example.org" not in published.data.decode()


async def test_reschedule_and_cancellation_update_the_calendar(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    await publish(bus_client, confirmed(language="en"))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    moved = snapshot(starts_at=START + timedelta(days=1),
                     ends_at=START + timedelta(days=1, minutes=90), sequence=1)
    await publish(bus_client, reg.SessionRescheduled(
        session=moved, previous_starts_at=START,
        previous_ends_at=START + timedelta(minutes=90)))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    update = smtp.inbox.messages[1]
    event = calendar_of(update).walk("VEVENT")[0]
    assert calendar_of(update)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "session-ses-1@dialogues.ingp"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == START + timedelta(days=1)
    assert "https://meet.example.org/j/42" in parts(update)["text/plain"]
    assert "Previously:" in parts(update)["text/plain"]
    await publish(bus_client, reg.SessionCancelled(
        session=snapshot(sequence=2, starts_at=moved.starts_at, ends_at=moved.ends_at),
        reason="The speakers are unavailable."))
    await eventually(lambda: len(smtp.inbox.messages) == 3, timeout=10)
    cancel = smtp.inbox.messages[2]
    assert calendar_of(cancel)["METHOD"] == "CANCEL"
    event = calendar_of(cancel).walk("VEVENT")[0]
    assert str(event["UID"]) == "session-ses-1@dialogues.ingp"
    assert str(event["STATUS"]) == "CANCELLED"


async def test_no_address_or_name_reaches_the_logs(
    notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every logger at INFO (the service's level), ours and FastStream's at DEBUG too.
    # (pymongo's DEBUG command log prints whole documents: never run LOG_LEVEL=DEBUG with
    # real participants' data.)
    caplog.set_level(logging.INFO)
    for name in ("services", "shared", "faststream"):
        caplog.set_level(logging.DEBUG, logger=name)
    smtp.inbox.refusals.append("451 4.3.0 later")
    await publish(bus_client, confirmed())
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=15)
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "mail attempt" in text
    assert "maria.perez" not in text.lower()
    assert "pérez" not in text.lower()


async def test_the_smtp_fixture_refuses_then_accepts(smtp: SmtpServer) -> None:
    smtp.inbox.refusals.append("451 4.3.0 try later")
    message = email.message.EmailMessage()
    message["Subject"] = "x"
    message.set_content("x")
    with pytest.raises(aiosmtplib.SMTPResponseException):
        await aiosmtplib.send(message, sender="a@b.invalid", recipients=["c@d.invalid"],
                              hostname="127.0.0.1", port=smtp.port, start_tls=False)
    await aiosmtplib.send(message, sender="a@b.invalid", recipients=["c@d.invalid"],
                          hostname="127.0.0.1", port=smtp.port, start_tls=False)
    assert len(smtp.inbox.messages) == 1
