"""A session's materials reach its registrants and attendees in one mail each, in their
language, once; a certificate is mailed once per code, in the participant's language."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from email.message import Message

import pytest
from faststream.nats import NatsBroker

from services.notify.settings import NotifySettings
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot
from shared.contracts.registration import events as reg
from shared.service import RunningService
from shared.settings import Settings
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    confirmed,
    participant,
    parts,
    publish,
    snapshot,
    two_notifies,
)
from tests.support import eventually
from tests.support.clock import MovableClock
from tests.support.quiet import Settled

pytestmark = pytest.mark.integration

GATHER = timedelta(seconds=60)
FAST = NotifySettings(send_rate=1000, poll_seconds=0.05,
                      materials_gather_seconds=GATHER.total_seconds())


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START + timedelta(hours=3))  # after the session


@pytest.fixture
async def notifies(settings: Settings, smtp: SmtpServer, clock: MovableClock
                   ) -> AsyncIterator[list[RunningService]]:
    async with two_notifies(settings, smtp, clock, FAST) as both:
        yield both


def material(document_id: str, titles: dict[str, str]) -> DocumentPublished:
    """A document published as the catalog would, as a material of the session `ses-1`."""
    return DocumentPublished(document=DocumentSnapshot(
        document_id=document_id, revision=1, type="presentation", source_language="es",
        texts={"title": titles}, available_languages=list(titles),  # type: ignore[arg-type]
        missing_languages=[], session_id="ses-1", published_on=date(2030, 3, 5)))


def mails_to(smtp: SmtpServer, address: str, subject: str) -> list[Message]:
    return [m for m in smtp.inbox.messages
            if m["To"].addresses[0].addr_spec == address and subject in m["Subject"]]


async def rounds_of_the_poller(settled: Settled) -> None:
    """A few rounds of the timed loops of both replicas (quiet cannot see them), then until
    whatever they queued is sent."""
    await asyncio.sleep(0.5)
    await settled()


async def test_materials_published_together_make_one_mail_per_person_in_their_language(
    settings: Settings, notifies: list[RunningService], smtp: SmtpServer,
    bus_client: NatsBroker, clock: MovableClock, settled: Settled,
) -> None:
    maria, john, gone = "maria.perez@example.org", "john.smith@example.org", "ana@example.org"
    await publish(bus_client, confirmed("reg-1", "es", maria))
    await publish(bus_client, confirmed("reg-2", "en", john))
    await publish(bus_client, reg.ParticipantAttended(
        registration_id="reg-2", participant=participant(john, "en", "John Smith"),
        session=snapshot(), cancel_token="tok.john", minutes=80))
    await publish(bus_client, confirmed("reg-3", "es", gone))
    # Ana cancels once her confirmation is out. Published back to back, the two events may be
    # handled in either order (a fetched batch is handled concurrently), and a confirmation
    # overtaken by the cancellation is rightly never mailed: that race is not this test's.
    await eventually(lambda: len(smtp.inbox.messages) == 4, timeout=30)
    await publish(bus_client, reg.ParticipantCancelled(
        registration_id="reg-3", participant=participant(gone, "es", "Ana"),
        session=snapshot(), cancelled_by="participant"))
    await eventually(lambda: len(smtp.inbox.messages) == 5, timeout=30)
    await settled()

    recording = material("doc-rec", {"es": "Grabación de la sesión", "en": "Session recording"})
    await publish(bus_client, recording)
    await publish(bus_client, recording)  # delivered twice (another event id)
    await publish(bus_client, material("doc-p1", {"es": "Presentación de Chile",
                                                  "en": "Presentation by Chile"}))
    await publish(bus_client, material("doc-p2", {"es": "Presentación de Brasil"}))
    await rounds_of_the_poller(settled)
    assert len(smtp.inbox.messages) == 5  # the gathering window is still open

    await all_recorded(settings)
    clock.advance(GATHER + timedelta(seconds=1))
    await eventually(lambda: len(smtp.inbox.messages) == 7, timeout=30)
    await rounds_of_the_poller(settled)
    assert len(smtp.inbox.messages) == 7  # two replicas, one mail each; none to who left

    (spanish,) = mails_to(smtp, maria, "Materiales de")
    assert spanish["Subject"] == "Materiales de «Compras públicas sostenibles» disponibles"
    text = parts(spanish)["text/plain"].replace("\r\n", "\n")
    for title, doc in (("Grabación de la sesión", "doc-rec"),
                       ("Presentación de Chile", "doc-p1"), ("Presentación de Brasil", "doc-p2")):
        assert re.search(rf"{title}:\n\S+/documents/{doc}\?lang=es\n", text), title
    assert "/sessions/ses-1" in text
    (english,) = mails_to(smtp, john, "Materials of")
    assert english["Subject"] == "Materials of Sustainable public procurement are available"
    text = parts(english)["text/plain"]
    assert "Session recording:" in text and "Presentation by Chile:" in text
    assert "Presentación de Brasil:" in text  # no English title: the original one
    assert "/documents/doc-p2?lang=en" in text
    assert "Grabación" not in text
    assert mails_to(smtp, gone, "Materiales") == []

    await all_recorded(settings)
    await publish(bus_client, material("doc-summary", {"es": "Resumen", "en": "Summary"}))
    clock.advance(GATHER * 2)
    await rounds_of_the_poller(settled)
    assert len(smtp.inbox.messages) == 7  # a later material: the session page lists it


def certificate(code: str, language: str, supersedes: str | None = None
                ) -> reg.CertificateIssued:
    return reg.CertificateIssued(
        registration_id="reg-1", participant=participant("maria.perez@example.org", language),
        session=snapshot(), cancel_token="tok.maria", code=code,
        languages=[language, "en"] if language != "en" else ["en"],  # type: ignore[list-item]
        supersedes=supersedes)


async def test_a_certificate_is_mailed_once_in_the_participants_language(
    notifies: list[RunningService], smtp: SmtpServer, bus_client: NatsBroker,
    settled: Settled,
) -> None:
    first = certificate("CERT-7K2M-9QX4", "es")
    await publish(bus_client, first)
    await publish(bus_client, first)  # delivered twice, under another id
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=30)
    await settled()
    assert len(smtp.inbox.messages) == 1
    mail = smtp.inbox.messages[0]
    assert mail["Subject"] == "Su certificado de asistencia: Compras públicas sostenibles"
    text = parts(mail)["text/plain"]
    assert "/registrations/certificate.pdf?token=tok.maria" in text
    assert "/certificates/CERT-7K2M-9QX4" in text
    assert "Código de verificación: CERT-7K2M-9QX4" in text
    assert "reemplaza" not in text

    await publish(bus_client, certificate("CERT-8P3N-2RT6", "es", supersedes="CERT-7K2M-9QX4"))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=30)
    await settled()
    assert len(smtp.inbox.messages) == 2
    text = parts(smtp.inbox.messages[1])["text/plain"]
    assert re.search(r"reemplaza .*CERT-7K2M-9QX4", text)
    assert "/certificates/CERT-8P3N-2RT6" in text
