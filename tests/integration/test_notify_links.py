"""Every link the system mails opens a page of the public site (or the session's join URL).

One notify process, real NATS, database and SMTP server: each mail kind is caused as the other
services cause it, in every language, and each link in the HTML and text parts is checked
against the pages the gateway's site serves. The one-click `List-Unsubscribe` header is the
exception the other way: mail clients POST to the API there, without a page or CSRF cookie.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from email.message import Message
from email.utils import parseaddr
from urllib.parse import parse_qs, urlsplit

import pytest
from faststream.nats import NatsBroker

from services.notify.bootstrap import build_spec
from services.notify.settings import NotifySettings
from shared.bus import call
from shared.contracts.catalog.events import DocumentPublished, DocumentSnapshot, DocumentTranslated
from shared.contracts.notify.rpc import (
    Subscribe,
    SubscriptionRequested,
    SubscriptionState,
    SubscriptionToken,
)
from shared.contracts.registration import events as reg
from shared.contracts.translate.events import JobQueued, JobRef
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    START,
    SmtpServer,
    all_recorded,
    participant,
    parts,
    publish,
    smtp_settings_for,
    snapshot,
)
from tests.support import eventually
from tests.support.clock import MovableClock

pytestmark = pytest.mark.integration

BASE = "https://dialogues.example.org"
JOIN = "https://meet.example.org/j/42"
LANGUAGES = ("es", "en", "pt", "fr")
FAST = NotifySettings(send_rate=1000, poll_seconds=0.05, digest_poll_seconds=0.05)
TOKEN = r"[A-Za-z0-9._~%-]+"
PAGES = {  # the site's pages (services/gateway/site), by the name the link map below uses
    "home": r"/",
    "sessions": r"/sessions",
    "session": r"/sessions/[\w.-]+",
    "calendar": r"/sessions/[\w.-]+/calendar\.ics",
    "registration": rf"/registrations/cancel\?token={TOKEN}",
    "registration_confirm": rf"/registrations/confirm\?token={TOKEN}",
    "subscribe": r"/subscriptions",
    "confirm": rf"/subscriptions/confirm\?token={TOKEN}",
    "unsubscribe": rf"/subscriptions/unsubscribe\?token={TOKEN}",
    "document": r"/documents/[\w.-]+(\?lang=(es|en|pt|fr))?",
    "search": r"/search(\?\S*)?",
    "translation_job": r"/staff/translations/[\w.-]+",
}
LINK_MAP: dict[str, set[str]] = {  # which pages each kind of mail links to
    "confirmed": {"join", "registration"}, "promoted": {"join", "registration"},
    "reminder": {"join", "registration"}, "session_rescheduled": {"join", "registration"},
    "waitlisted": {"registration"}, "pending": {"registration"},
    "rejected": {"sessions"}, "cancelled": {"session"}, "session_cancelled": {"sessions"},
    "attended": {"session"}, "no_show": {"session"},
    "awaiting_confirmation": {"registration_confirm", "registration"},
    "already_registered": {"registration", "session"},
    "subscription_confirm": {"confirm"},
    "document_published": {"document", "unsubscribe"},
    "document_translated": {"document", "unsubscribe"},
    "translation_job": {"translation_job", "document", "unsubscribe"},
    "digest": {"document", "unsubscribe"},
}
PARTICIPANT_KINDS = ("confirmed", "waitlisted", "pending", "promoted", "rejected", "cancelled",
                     "attended", "no_show", "awaiting_confirmation", "already_registered")


def page_of(url: str) -> str:
    """The name of the page `url` opens, or `!url` for a link that opens none."""
    if url == JOIN:
        return "join"
    target = url.removeprefix(BASE) if url.startswith(BASE + "/") else url
    names = [name for name, pattern in PAGES.items() if re.fullmatch(pattern, target)]
    return names[0] if names else f"!{url}"


def links(message: Message) -> tuple[list[str], list[str]]:
    """Every href of the HTML part and every URL of the text part."""
    found = parts(message)
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', found["text/html"])]
    texts = re.findall(r"https?://[^\s<>\"]+", found["text/plain"])
    return hrefs, texts


def problems(message: Message, kind: str) -> list[str]:
    """How the message's links differ from the pages its kind should link to."""
    hrefs, texts = links(message)
    where = f"{kind}/{message['Content-Language']}"
    found = [f"{where} {part}: {sorted({page_of(u) for u in urls})} != {sorted(LINK_MAP[kind])}"
             for part, urls in (("html", hrefs), ("text", texts))
             if {page_of(u) for u in urls} != LINK_MAP[kind]]
    if set(hrefs) != set(texts):
        found.append(f"{where}: the parts offer different links")
    header = message["List-Unsubscribe"]
    if "unsubscribe" not in LINK_MAP[kind]:
        return found + ([f"{where}: List-Unsubscribe on transactional mail"] if header else [])
    one_click = (header or "").strip("<>")
    if not one_click.startswith(f"{BASE}/v1/subscriptions/unsubscribe?token="):
        return [*found, f"{where}: List-Unsubscribe is {header}"]
    if message["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click":
        found.append(f"{where}: no List-Unsubscribe-Post")
    token = parse_qs(urlsplit(one_click).query)["token"]
    pages = [u for u in hrefs if page_of(u) == "unsubscribe"]
    if [parse_qs(urlsplit(u).query)["token"] for u in pages] != [token]:
        found.append(f"{where}: the unsubscribe page has not the header's token")
    return found


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START - timedelta(days=2))


@pytest.fixture
async def notify(settings: Settings, smtp: SmtpServer, clock: MovableClock
                 ) -> AsyncIterator[Settings]:
    configured = settings.model_copy(update={"public_base_url": BASE + "/"})
    service: RunningService = await start_service(
        build_spec(clock, FAST, smtp_settings_for(smtp)), configured)
    yield configured
    await service.stop()


def document(document_id: str, source: str) -> DocumentPublished:
    return DocumentPublished(document=DocumentSnapshot(
        document_id=document_id, revision=1, type="guide", source_language=source,
        texts={"title": {"es": "Guía de compras sostenibles", "en": "Sustainable buying guide"}},
        available_languages=[source], missing_languages=[], topics=["sustainable_procurement"],
        countries=["CO"], published_on=date(2030, 1, 1)))


async def subscribe(bus: NatsBroker, smtp: SmtpServer, language: str, frequency: str
                    ) -> Message:
    """Subscribe and confirm with the mailed token; returns the confirmation mail."""
    seen = len(smtp.inbox.messages)
    await call(bus, "rpc.notify.subscribe", Subscribe(
        email=f"{frequency}-{language}@example.org", language=language,
        topics=["sustainable_procurement"], frequency=frequency,
        translation_pairs=["es>en"]), SubscriptionRequested, timeout=2.0)
    await eventually(lambda: len(smtp.inbox.messages) == seen + 1, timeout=10)
    mail = smtp.inbox.messages[-1]
    token = re.search(r"confirm\?token=(\S+)", parts(mail)["text/plain"])
    assert token is not None
    state = await call(bus, "rpc.notify.confirm_subscription",
                       SubscriptionToken(token=token.group(1)), SubscriptionState, timeout=2.0)
    assert state.status == "active"
    return mail


def addressee(message: Message) -> str:
    """`confirmed-es@example.org` -> `confirmed`: the tests name addresses by their role."""
    return parseaddr(str(message["To"]))[1].split("-")[0]


async def test_every_mailed_link_opens_a_page_of_the_site(
    notify: Settings, smtp: SmtpServer, bus_client: NatsBroker, clock: MovableClock,
) -> None:
    inbox, mails = smtp.inbox.messages, list[tuple[Message, str]]()

    async def then(cause: Callable[[], Awaitable[object]], count: int) -> list[Message]:
        before = len(inbox)
        await cause()
        await eventually(lambda: len(inbox) == before + count, timeout=20)
        await all_recorded(notify)
        return inbox[before:]

    async def participants() -> None:
        for language in LANGUAGES:
            for kind in PARTICIPANT_KINDS:
                await publish(bus_client, participant_event(kind, language))
    mails += [(m, addressee(m))
              for m in await then(participants, len(PARTICIPANT_KINDS) * len(LANGUAGES))]
    for language in LANGUAGES:
        for frequency in ("immediate", "daily"):
            mails.append((await subscribe(bus_client, smtp, language, frequency),
                           "subscription_confirm"))

    async def translations() -> None:
        for language in LANGUAGES:  # each subscriber hears of the version in their language
            await publish(bus_client, DocumentTranslated(
                document_id="doc-1", revision=1, language=language, status="reviewed",
                type="guide", topics=["sustainable_procurement"], countries=["CO"]))

    async def a_day_later() -> None:  # 24 h before the start: reminders; midnight: digests
        clock.advance(timedelta(days=1, minutes=1))
    audience = 2 * len(LANGUAGES)  # the confirmed and the promoted of each language
    steps: list[tuple[Callable[[], Awaitable[object]], int, str | None]] = [
        (lambda: publish(bus_client, document("doc-1", "es")), len(LANGUAGES),
         "document_published"),
        (translations, len(LANGUAGES), "document_translated"),
        (lambda: publish(bus_client, JobQueued(job=JobRef(
            job_id="job-7", document_id="doc-1", revision=1, source_language="es",
            target_language="en"))), len(LANGUAGES), "translation_job"),
        (a_day_later, audience + len(LANGUAGES), None),
        (lambda: publish(bus_client, reg.SessionRescheduled(
            session=snapshot(starts_at=START + timedelta(days=7), sequence=1,
                             ends_at=START + timedelta(days=7, minutes=90)),
            previous_starts_at=START, previous_ends_at=START + timedelta(minutes=90))),
         audience, "session_rescheduled"),
        (lambda: publish(bus_client, reg.SessionCancelled(
            session=snapshot(sequence=2), reason="Fuerza mayor")), audience,
         "session_cancelled"),
    ]
    for cause, count, kind in steps:
        mails += [(m, kind or ("digest" if addressee(m) == "daily" else "reminder"))
                  for m in await then(cause, count)]

    assert {kind for _, kind in mails} == set(LINK_MAP)
    assert all("job-7" in parts(m)["text/plain"] for m, k in mails if k == "translation_job")
    found = [p for message, kind in mails for p in problems(message, kind)]
    assert not found, "\n".join(found)


def participant_event(kind: str, language: str) -> reg.ParticipantEvent:
    """The event the registration service publishes for `kind`, to `kind-language@...`."""
    common = dict(registration_id=f"{kind}-{language}", cancel_token=f"tok.{kind}.{language}",
                  participant=participant(f"{kind}-{language}@example.org", language),
                  session=snapshot(join_url=JOIN if kind in ("confirmed", "promoted")
                                   else None))
    events: dict[str, Callable[[], reg.ParticipantEvent]] = {
        "confirmed": lambda: reg.ParticipantConfirmed(**common),
        "promoted": lambda: reg.ParticipantPromoted(**common),
        "waitlisted": lambda: reg.ParticipantWaitlisted(waitlist_position=3, **common),
        "pending": lambda: reg.ParticipantPending(**common),
        "rejected": lambda: reg.ParticipantRejected(reason="Cupo por país", **common),
        "cancelled": lambda: reg.ParticipantCancelled(cancelled_by="participant", **common),
        "attended": lambda: reg.ParticipantAttended(minutes=75, **common),
        "no_show": lambda: reg.ParticipantNoShow(**common),
        "awaiting_confirmation": lambda: reg.ParticipantAwaitingConfirmation(
            confirm_token=f"conf.{language}", confirm_by=START - timedelta(days=1),
            holds="seat", **common),
        "already_registered": lambda: reg.ParticipantAlreadyRegistered(
            status="confirmed", **common),
    }
    return events[kind]()
