"""Which addresses are accepted, and what becomes of one that cannot be mailed.

At the door (API and site forms, registration and subscription) the domain is taken in its
IDNA (punycode) form and a non-ASCII local part is refused, naming `email`, with nothing
stored. Behind it, an event that still carries such an address (sent before the door
checked) ends as one failed delivery with its reason: never a retry loop or a dead letter.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from email.message import Message
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker
from pymongo import AsyncMongoClient

from services.gateway.keys import Role
from services.notify.bootstrap import build_spec
from services.notify.settings import SmtpSettings
from shared.service import RunningService, start_service
from shared.settings import Settings
from tests.integration.notify_support import (
    FAST,
    SmtpServer,
    confirmed,
    deliveries,
    publish,
    smtp_settings_for,
)
from tests.integration.site_support import WISH, send_form, submit
from tests.support import assert_problem, eventually
from tests.support.quiet import Settled
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]

UNMAILABLE = [
    "\u0430na@example.org",  # a Cyrillic а that looks like a Latin a
    "\uff41\uff4e\uff41@example.org",  # full-width letters
    "ána@example.org",
    "ñandú@example.org",
]
IDN = "ana@bücher.example"
PUNYCODE = "ana@xn--bcher-kva.example"


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    """Notify's mail settings, pointing at the test's SMTP server."""
    return smtp_settings_for(smtp)


def names_email(body: dict[str, Any]) -> bool:
    """The problem's `errors` name the `email` field (`field` in ours, `key` in Litestar's)."""
    return any(str(error.get("field") or error.get("key")).split(".")[-1] == "email"
               for error in body["errors"])


def addressee(message: Message) -> str:
    """The address in the To header, as the SMTP server received it."""
    to: Any = message["To"]
    return str(to.addresses[0].addr_spec)


async def stored(settings: Settings, service: str, collection: str) -> list[dict[str, Any]]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    try:
        found: list[dict[str, Any]] = await client[settings.database_name(service)][
            collection].find({}).to_list()
        return found
    finally:
        await client.close()


async def test_an_address_that_cannot_be_mailed_is_refused_at_the_door(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, settings: Settings) -> None:
    secretariat = await make_key("secretariat")
    session_id = await published_session(gateway_http, secretariat, capacity=2)
    for address in UNMAILABLE:
        answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                         json=person(address))
        body = assert_problem(answer, 422)
        assert names_email(body), (address, body)
        assert "ASCII" in str(body["errors"]), body  # says why, not only "invalid"

        answer = await gateway_http.post("/v1/subscriptions",
                                         json={"email": address, "language": "es"})
        assert names_email(assert_problem(answer, 422)), address

        page = await submit(gateway_http, f"/sessions/{session_id}",
                            f"/sessions/{session_id}/register",
                            {**{k: str(v) for k, v in person(address).items()},
                             "consent": "true"}, lang="en")
        assert page.status_code == 422, address
        assert 'href="#email"' in page.text
        page = await send_form(gateway_http, "/subscriptions", "/subscriptions",
                               {**WISH, "email": address})
        assert page.status_code == 422, address
        assert 'href="#email"' in page.text

    listed = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                    headers={"X-API-Key": secretariat})
    assert listed.json()["items"] == []
    public = (await gateway_http.get(f"/v1/sessions/{session_id}")).json()
    assert (public["seats_left"], public["confirmed"]) == (2, 0)  # no seat taken
    assert await stored(settings, "notify", "subscriptions") == []  # no pending subscription
    assert await stored(settings, "notify", "deliveries") == []


async def test_an_internationalised_domain_is_mailed_in_punycode(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, smtp: SmtpServer) -> None:
    secretariat = await make_key("secretariat")
    session_id = await published_session(gateway_http, secretariat)
    answer = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                     json=person(IDN))
    assert answer.status_code in (200, 201, 202), answer.text
    listed = await gateway_http.get(f"/v1/sessions/{session_id}/registrations",
                                    headers={"X-API-Key": secretariat})
    assert [r["email"] for r in listed.json()["items"]] == [PUNYCODE]

    answer = await gateway_http.post("/v1/subscriptions",
                                     json={"email": "lectora@bücher.example", "language": "es"})
    assert answer.status_code == 202, answer.text
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    recipients = sorted(addressee(m) for m in smtp.inbox.messages)
    assert recipients == [PUNYCODE, "lectora@xn--bcher-kva.example"]
    assert sorted(smtp.inbox.recipients) == recipients  # the SMTP envelope too


@pytest.fixture
async def notify(settings: Settings, smtp_settings: SmtpSettings
                 ) -> AsyncIterator[RunningService]:
    service = await start_service(build_spec(options=FAST, smtp=smtp_settings), settings)
    yield service
    await service.stop()


async def test_an_event_with_an_unmailable_address_is_one_failed_delivery(
        notify: RunningService, smtp: SmtpServer, bus_client: NatsBroker, settled: Settled) -> None:
    # Events published before the door checked addresses may still carry these.
    for number, address in enumerate(UNMAILABLE):
        await publish(bus_client, confirmed(registration_id=f"bad-{number}", email_=address))
    await publish(bus_client, confirmed(registration_id="idn", email_=IDN))
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    assert addressee(smtp.inbox.messages[0]) == PUNYCODE
    assert smtp.inbox.recipients == [PUNYCODE]

    async def all_failed() -> list[Any]:
        failed = (await deliveries(bus_client, status="failed")).items
        return failed if len(failed) == len(UNMAILABLE) else []

    failed = await eventually(all_failed, timeout=10, interval=0.1)
    for record in failed:
        assert record.attempts == 1 and record.smtp_code is None
        assert record.smtp_response and "ASCII" in record.smtp_response
    await settled()  # no redelivery waits in the consumer, no mail in the queue
    assert len(smtp.inbox.messages) == 1
    js = bus_client.connection.jetstream()
    assert (await js.stream_info("DLQ")).state.messages == 0
    published = await js.get_last_msg("NOTIFY", "notify.mail.failed.v1")
    failure = json.loads(published.data or b"{}")
    assert "ASCII" in failure["reason"] and failure["attempts"] == 1
    assert "example.org" not in (published.data or b"").decode()
