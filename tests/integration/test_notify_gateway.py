"""The secretariat's delivery log and the public subscription routes, through the gateway."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
from faststream.nats import NatsBroker

from services.gateway.keys import Role
from services.notify.settings import SmtpSettings
from tests.integration.notify_support import (
    SmtpServer,
    confirmed,
    document,
    parts,
    publish,
    smtp_settings_for,
)
from tests.support import assert_problem, eventually

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]


@pytest.fixture
def smtp_settings(smtp: SmtpServer) -> SmtpSettings:
    """Notify's mail settings, pointing at the test's SMTP server."""
    return smtp_settings_for(smtp)


async def test_the_delivery_log_masks_addresses_except_for_admins(
    gateway_http: httpx.AsyncClient, make_key: MakeKey, smtp: SmtpServer,
    bus_client: NatsBroker,
) -> None:
    await publish(bus_client, confirmed())
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    secretariat = {"X-API-Key": await make_key("secretariat")}
    admin = {"X-API-Key": await make_key("admin")}

    async def sent() -> list[dict[str, object]]:
        r = await gateway_http.get("/v1/notifications?status=sent&kind=confirmed&session=ses-1",
                                   headers=secretariat)
        assert r.status_code == 200, r.text
        items: list[dict[str, object]] = r.json()["items"]
        return items

    await eventually(sent, timeout=10, what="the delivery in the log")
    [item] = await sent()
    assert item["recipient"] == "m***@e***.org"
    assert item["smtp_code"] == 250 and item["attempts"] == 1
    r = await gateway_http.get("/v1/notifications", headers=admin)
    assert r.json()["items"][0]["recipient"] == "maria.perez@example.org"
    assert_problem(await gateway_http.get("/v1/notifications"), 401)
    assert_problem(await gateway_http.get("/v1/notifications?status=lost", headers=admin), 400)
    editor = {"X-API-Key": await make_key("editor")}
    assert_problem(await gateway_http.get("/v1/notifications", headers=editor), 403)
    assert_problem(await gateway_http.get("/v1/notifications?cursor=%%%", headers=admin), 400)


async def test_a_failed_mail_can_be_retried_by_the_secretariat(
    gateway_http: httpx.AsyncClient, make_key: MakeKey, smtp: SmtpServer,
    bus_client: NatsBroker,
) -> None:
    key = {"X-API-Key": await make_key("secretariat")}
    smtp.inbox.refusals.append("550 5.2.2 mailbox full")
    await publish(bus_client, confirmed())
    failed: list[dict[str, str]] = []

    async def find_failed() -> bool:
        r = await gateway_http.get("/v1/notifications?status=failed", headers=key)
        failed[:] = r.json()["items"]
        return bool(failed)

    await eventually(find_failed, timeout=10, what="the failed delivery in the log")
    delivery = failed[0]["id"]
    r = await gateway_http.post(f"/v1/notifications/{delivery}/retry", headers=key)
    assert r.status_code == 202, r.text
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    assert_problem(await gateway_http.post(f"/v1/notifications/{delivery}/retry",
                                           headers=key), 409)
    assert_problem(await gateway_http.post("/v1/notifications/nope/retry", headers=key), 404)


async def test_double_opt_in_news_and_one_click_unsubscribe(
    gateway_http: httpx.AsyncClient, smtp: SmtpServer, bus_client: NatsBroker,
) -> None:
    r = await gateway_http.post("/v1/subscriptions", json={
        "email": "lector@example.org", "language": "pt", "topics": ["sustainable_procurement"],
        "frequency": "immediate"})
    assert r.status_code == 202, r.text
    await eventually(lambda: len(smtp.inbox.messages) == 1, timeout=10)
    confirm_mail = smtp.inbox.messages[0]
    assert confirm_mail["Content-Language"] == "pt"
    token = re.search(r"/subscriptions/confirm\?token=(\S+)", parts(confirm_mail)["text/plain"])
    assert token is not None
    r = await gateway_http.post("/v1/subscriptions/confirm", json={"token": token.group(1)})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"

    await publish(bus_client, document("doc-other", ["open_data"]))
    await publish(bus_client, document("doc-1", ["sustainable_procurement"]))
    await eventually(lambda: len(smtp.inbox.messages) == 2, timeout=10)
    news = smtp.inbox.messages[1]
    assert "Guía de compras sostenibles" in news["Subject"]  # no pt title: the original
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = news["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://127.0.0.1:8000")
    r = await gateway_http.get(path)
    assert r.status_code == 200 and r.json()["status"] == "active"  # a GET changes nothing
    r = await gateway_http.post(path, content=b"List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "unsubscribed"
    await publish(bus_client, document("doc-2", ["sustainable_procurement"]))
    await publish(bus_client, confirmed())  # transactional mail still flows
    await eventually(lambda: len(smtp.inbox.messages) == 3, timeout=10)
    assert smtp.inbox.messages[2]["Subject"].startswith("Su lugar")


async def test_subscription_requests_are_checked(gateway_http: httpx.AsyncClient) -> None:
    r = await gateway_http.post("/v1/subscriptions", json={"email": "nope", "language": "pt"})
    body = assert_problem(r, 422)
    assert "email" in str(body["errors"])
    r = await gateway_http.post("/v1/subscriptions", json={"email": "a@b.org", "language": "de"})
    assert_problem(r, 422)
    assert_problem(await gateway_http.post("/v1/subscriptions/confirm",
                                           json={"token": "forged.token-value"}), 403)
    assert_problem(await gateway_http.post("/v1/subscriptions/unsubscribe", content=b"x"), 400)
    assert_problem(await gateway_http.get("/v1/subscriptions/unsubscribe?token=abcdefghijk.x"),
                   403)
