"""The secretariat mails a session's registrants and announces the session to subscribers,
over real HTTP, with registration and notify on the real servers and a real SMTP server.

One test on one started stack (the stack is the cost; each step below is milliseconds)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import Message
from typing import Any

import httpx
import pytest
from faststream.nats import NatsBroker
from pymongo import AsyncMongoClient

from services.gateway.keys import Role
from services.notify.domain.subscriptions import subscription_key
from services.notify.settings import SmtpSettings
from shared.settings import Settings
from tests.integration.notify_support import SmtpServer, parts, smtp_settings_for
from tests.support import assert_problem, eventually
from tests.support.quiet import Settled
from tests.support.sessions import person, published_session

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
MARIA, JOAO, JEAN = "maria@example.org", "joao@example.org", "jean@example.org"
FOLLOWER, DOCS_ONLY, OTHER_TOPIC = ("follower@example.org", "docs@example.org",
                                    "other@example.org")
MESSAGE = {"subject": {"es": "Cambio de sala", "en": "Room change"},
           "body": {"es": "Nueva sala: B.\n\n<b>Traigan</b> su laptop.",
                    "en": "New room: B.\n\n<b>Bring</b> your laptop."},
           "statuses": ["confirmed"]}


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    return smtp_settings_for(smtp)


def mails_to(smtp: SmtpServer, address: str) -> list[Message]:
    return [m for m in smtp.inbox.messages if m["To"].addresses[0].addr_spec == address]


async def add_subscribers(settings: Settings) -> None:
    """Three confirmed subscribers, written as notify keeps them (their opt-in is tested
    elsewhere): sessions on `open_data`, documents only, sessions on another topic."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.effective_mongo_url())
    rows = [(FOLLOWER, "pt", True, ["open_data"]), (DOCS_ONLY, "es", False, []),
            (OTHER_TOPIC, "en", True, ["integrity"])]
    await client[settings.database_name("notify")]["subscriptions"].insert_many([
        {"_id": subscription_key(email), "email": email, "status": "active",
         "language": language, "sessions": sessions, "documents": not sessions,
         "topics": topics, "types": [], "countries": [], "frequency": "weekly",
         "translation_pairs": []} for email, language, sessions, topics in rows])
    await client.close()


async def test_registrants_are_mailed_once_in_their_language_and_subscribers_hear_once(
    gateway_http: httpx.AsyncClient, make_key: MakeKey, smtp: SmtpServer,
    bus_client: NatsBroker, settings: Settings, settled: Settled,
) -> None:
    key = {"X-API-Key": await make_key("secretariat")}
    session_id = await published_session(gateway_http, await make_key("secretariat"))
    for email, language in ((MARIA, "es"), (JOAO, "pt"), (JEAN, "fr")):  # capacity 2
        r = await gateway_http.post(f"/v1/sessions/{session_id}/registrations",
                                    json=person(email, preferred_language=language))
        assert r.status_code == 201, r.text
    await settled()
    before = len(smtp.inbox.messages)
    path = f"/v1/sessions/{session_id}/messages"

    # bad input: a 422 naming the field; no key: a 422 naming the header
    bad = {**MESSAGE, "subject": {"es": "a\r\nBcc: x@evil.org", "en": "b"}}
    r = await gateway_http.post(path, json=bad, headers={**key, "Idempotency-Key": "k0"})
    assert r.status_code == 422 and "subject.es" in r.text, r.text
    assert_problem(await gateway_http.post(path, json=MESSAGE, headers=key), 422)

    # pressed twice with the same key: one message, one mail each
    sent = [await gateway_http.post(path, json=MESSAGE, headers={**key, "Idempotency-Key": "k1"})
            for _ in range(2)]
    assert [r.status_code for r in sent] == [202, 202], sent[0].text
    assert sent[0].json() == sent[1].json()
    assert sent[0].json()["recipients"] == 2
    assert sent[0].json()["by_status"] == {"confirmed": 2}
    await eventually(lambda: len(smtp.inbox.messages) == before + 2, timeout=15,
                     what="one mail per confirmed registrant")
    await settled()
    assert len(smtp.inbox.messages) == before + 2
    [maria], [joao] = mails_to(smtp, MARIA)[-1:], mails_to(smtp, JOAO)[-1:]
    assert maria["Subject"].startswith("Cambio de sala")
    assert joao["Subject"].startswith("Cambio de sala")  # pt was not written: Spanish
    html = parts(maria)["text/html"]
    assert "&lt;b&gt;Traigan&lt;/b&gt;" in html and "<b>Traigan" not in html
    assert not [m for m in mails_to(smtp, JEAN) if "Room change" in m["Subject"]]

    # the statuses filter: the waitlisted one alone
    only_waiting = {**MESSAGE, "statuses": ["waitlisted"]}
    r = await gateway_http.post(path, json=only_waiting,
                                headers={**key, "Idempotency-Key": "k2"})
    assert r.status_code == 202 and r.json()["recipients"] == 1, r.text
    await eventually(lambda: any("Room change" in m["Subject"] for m in mails_to(smtp, JEAN)),
                     timeout=15, what="the fr reader gets the English text")
    listed = (await gateway_http.get(path, headers=key)).json()["items"]
    assert [item["recipients"] for item in listed] == [1, 2]
    assert MARIA not in str(listed)

    # the announcement: only the subscriber following sessions on its topic, once
    await add_subscribers(settings)
    announce = f"/v1/sessions/{session_id}/announce"
    assert (await gateway_http.post(announce, headers=key)).status_code == 202
    assert_problem(await gateway_http.post(announce, headers=key), 409)
    await eventually(lambda: len(mails_to(smtp, FOLLOWER)) == 1, timeout=15,
                     what="the announcement")
    await settled()
    [news] = mails_to(smtp, FOLLOWER)
    assert news["Subject"].startswith("Novo Diálogo Virtual")
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/sessions/{session_id}" in parts(news)["text/plain"]
    assert mails_to(smtp, DOCS_ONLY) == [] and mails_to(smtp, OTHER_TOPIC) == []
