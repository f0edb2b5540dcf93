"""An address registered twice, and places held until the address is confirmed, through the
gateway with every service and a real SMTP server: what the person who typed the address is
told, what the address's owner is mailed, and that the join link reaches confirmed addresses
only (issue 12, item 9)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.keys import Role
from services.gateway.settings import GatewaySettings
from services.notify.settings import SmtpSettings
from services.registration.bootstrap import STUCK_AFTER
from services.registration.handlers import Deps
from services.registration.handlers.recovery import sweep
from services.registration.store import Store
from shared.db import make_client
from shared.settings import Settings
from shared.tokens import Signer
from tests.integration.notify_support import SmtpServer, parts, smtp_settings_for
from tests.integration.registration_bus import events_on
from tests.integration.site_support import submit, text_of
from tests.support import eventually
from tests.support.quiet import Settled
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
JOIN = "https://meet.example.org/held-secret"
HOLD = {"hold_until_confirmed": True, "confirmation_minutes": 30, "join_url": JOIN,
        "capacity": 1}


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    return smtp_settings_for(smtp)


@pytest.fixture
def gateway_settings(gateway_settings: GatewaySettings) -> GatewaySettings:
    return gateway_settings.model_copy(update={"public_rate_limit": 10_000})


@pytest.fixture
async def secretariat(gateway_http: httpx.AsyncClient, make_key: MakeKey) -> str:
    return await make_key("secretariat")


def english(email: str) -> dict[str, Any]:
    return person(email, preferred_language="en")


async def register(http: httpx.AsyncClient, session_id: str, email: str) -> httpx.Response:
    return await http.post(f"/v1/sessions/{session_id}/registrations", json=english(email))


def mails_to(smtp: SmtpServer, address: str) -> list[Message]:
    return [m for m in smtp.inbox.messages if address in str(m["To"])]


async def mail(smtp: SmtpServer, address: str, subject: str) -> Message:
    """The mail to `address` whose subject starts with `subject`, once it has come."""
    def found() -> list[Message]:
        return [m for m in mails_to(smtp, address) if str(m["Subject"]).startswith(subject)]
    await eventually(lambda: bool(found()), timeout=20)
    [message] = found()
    return message


def site_links(message: Message) -> dict[str, str]:
    """The mail's links to the site, as paths with their query, by the page they open."""
    found = {}
    for url in re.findall(r"https?://[^\s<>\"]+", parts(message)["text/plain"]):
        address = urlsplit(url)
        if url.startswith(JOIN):
            continue
        page = address.path.rstrip("/").split("/")[-1] if address.path.startswith(
            "/registrations/") else "session"
        found[page] = address.path + (f"?{address.query}" if address.query else "")
    return found


def everything(message: Message) -> str:
    return "\n".join(str(part) for part in parts(message).values())


async def statuses(http: httpx.AsyncClient, key: str, session_id: str) -> dict[str, str]:
    found = await http.get(f"/v1/sessions/{session_id}/registrations",
                           headers={"X-API-Key": key})
    return {r["email"]: r["status"] for r in found.json()["items"]}


async def test_a_repeat_says_nothing_and_the_owner_is_mailed_their_status_and_links(
        gateway_http: httpx.AsyncClient, secretariat: str, smtp: SmtpServer,
        bus_client: NatsBroker, settled: Settled) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, capacity=1, join_url=JOIN)
    first = await register(http, session_id, "ana@example.org")
    assert first.status_code == 201 and first.json()["status"] == "confirmed", first.text
    await mail(smtp, "ana@example.org", "Your seat is confirmed")

    told_at = datetime.now(UTC)
    again = await register(http, session_id, "  ANA@example.org ")
    assert again.status_code == 202, again.text
    assert set(again.json()) == {"mailed", "detail"}
    assert first.json()["registration_id"] not in again.text
    assert "confirmed" not in again.text and "waitlist" not in again.text

    told = await mail(smtp, "ana@example.org", "You are already registered")
    assert "Your seat is confirmed" in parts(told)["text/plain"]
    assert JOIN not in everything(told)  # it is on the owner's page, behind the token
    links = site_links(told)
    assert set(links) == {"cancel", "session"}
    mine = await http.get(links["cancel"] + "&lang=en")
    assert mine.status_code == 200 and "Confirmed" in mine.text and JOIN in mine.text
    assert (await http.get(links["session"])).status_code == 200

    # Typed again and again: at most one such mail an hour (two if an hour began meanwhile).
    for _ in range(3):
        assert (await register(http, session_id, "ana@example.org")).status_code == 202
    hours = 1 + (datetime.now(UTC).hour != told_at.hour)
    await register(http, session_id, "bea@example.org")
    await mail(smtp, "bea@example.org", "You are on the waiting list")
    assert await events_on(bus_client, "registration.participant.already_registered.v1",
                           hours, settled) == hours
    assert len(mails_to(smtp, "ana@example.org")) == 1 + hours


async def test_a_rejected_address_registered_again_is_told_by_mail_only(
        gateway_http: httpx.AsyncClient, secretariat: str, smtp: SmtpServer) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, requires_approval=True)
    first = await register(http, session_id, "rui@example.org")
    assert first.json()["status"] == "pending_approval"
    rejected = await http.post(f"/v1/registrations/{first.json()['registration_id']}/reject",
                               json={"reason": "Out of scope"},
                               headers={"X-API-Key": secretariat})
    assert rejected.json()["status"] == "rejected", rejected.text

    again = await register(http, session_id, "rui@example.org")
    assert again.status_code == 202 and "rejected" not in again.text
    told = await mail(smtp, "rui@example.org", "You are already registered")
    assert "could not be accepted" in parts(told)["text/plain"]


async def test_a_held_seat_is_confirmed_from_the_mail_and_only_then_the_join_link_is_sent(
        gateway_http: httpx.AsyncClient, secretariat: str, smtp: SmtpServer) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, **HOLD)
    before = datetime.now(UTC)
    ana = await register(http, session_id, "ana@example.org")
    assert ana.status_code == 201, ana.text
    assert ana.json()["status"] == "awaiting_confirmation"
    confirm_by = datetime.fromisoformat(ana.json()["confirm_by"])
    assert timedelta(minutes=29) < confirm_by - before < timedelta(minutes=31)
    assert (await http.get(f"/v1/sessions/{session_id}")).json()["seats_left"] == 0  # held
    bea = (await register(http, session_id, "bea@example.org")).json()
    assert (bea["status"], bea["waitlist_position"]) == ("awaiting_confirmation", 1)

    asked = await mail(smtp, "ana@example.org", "Confirm your registration")
    assert JOIN not in everything(asked)
    links = site_links(asked)
    assert set(links) == {"confirm", "cancel"}
    mine = await http.get(links["cancel"] + "&lang=en")
    assert "Awaiting the confirmation of your e-mail address" in mine.text
    assert JOIN not in mine.text

    # Opening the link (as a mail scanner does) confirms nothing; the button does.
    page = await http.get(links["confirm"] + "&lang=en")
    assert page.status_code == 200 and "Confirm my registration" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert (await statuses(http, secretariat, session_id))["ana@example.org"] == \
        "awaiting_confirmation"
    done = await submit(http, links["confirm"] + "&lang=en", "/registrations/confirm", {})
    assert done.status_code == 200 and "Your seat is confirmed" in text_of(done.text)
    assert (await statuses(http, secretariat, session_id))["ana@example.org"] == "confirmed"
    seated = await mail(smtp, "ana@example.org", "Your seat is confirmed")
    assert JOIN in everything(seated)

    # The API confirms too; a second time changes nothing.
    token = site_links(await mail(smtp, "bea@example.org", "Confirm your registration")
                       )["confirm"].split("token=")[1]
    for _ in range(2):
        confirmed = await http.post("/v1/registrations/confirm", json={"token": token})
        assert confirmed.status_code == 200, confirmed.text
        assert (confirmed.json()["status"], confirmed.json()["waitlist_position"]) == \
            ("waitlisted", 1)
    await mail(smtp, "bea@example.org", "You are on the waiting list")
    assert not any(JOIN in everything(m) for m in mails_to(smtp, "bea@example.org"))


async def test_an_unconfirmed_hold_expires_and_its_seat_goes_to_the_next_person(
        gateway_http: httpx.AsyncClient, secretariat: str, smtp: SmtpServer,
        settings: Settings, settled: Settled) -> None:
    http = gateway_http
    session_id = await published_session(http, secretariat, **HOLD)
    await register(http, session_id, "ana@example.org")  # holds the seat, never confirms
    await register(http, session_id, "bea@example.org")
    asked = await mail(smtp, "bea@example.org", "Confirm your registration")
    token = site_links(asked)["confirm"].split("token=")[1]
    assert (await http.post("/v1/registrations/confirm", json={"token": token})
            ).json()["status"] == "waitlisted"
    ana_link = site_links(await mail(smtp, "ana@example.org", "Confirm your registration"))

    # The sweeper, as it runs 31 minutes later (its clock passed in, as a test may).
    client = make_client(settings, app_name="test-sweeper")
    try:
        store = Store(client[settings.database_name("registration")])
        await sweep(Deps(store, Signer(settings.token_secret), lambda *_: None),
                    datetime.now(UTC) + timedelta(minutes=31), STUCK_AFTER)
    finally:
        await client.close()
    assert await statuses(http, secretariat, session_id) == {
        "ana@example.org": "expired", "bea@example.org": "confirmed"}
    promoted = await mail(smtp, "bea@example.org", "A seat opened up")
    assert JOIN in everything(promoted)

    # The confirm link of the lapsed hold says so and confirms nothing; ana may register anew.
    late = await http.get(ana_link["confirm"] + "&lang=en")
    assert late.status_code == 410 and "This link has expired" in late.text
    ana_token = ana_link["confirm"].split("token=")[1]
    refused = await http.post("/v1/registrations/confirm", json={"token": ana_token})
    assert refused.status_code == 410, refused.text
    again = await register(http, session_id, "ana@example.org")
    assert again.status_code == 201 and again.json()["status"] == "awaiting_confirmation"
    assert again.json()["waitlist_position"] is not None  # behind bea, who has the seat
    await settled()  # the relay and notify are done: still no join link for ana
    assert not any(JOIN in everything(m) for m in mails_to(smtp, "ana@example.org"))
