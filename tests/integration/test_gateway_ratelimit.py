"""The public rate limit counts per client across every gateway replica, and the client is
the peer unless a configured proxy says otherwise."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.gateway.__main__ import bind, make_server
from services.gateway.app import create_app
from services.gateway.ratelimit import SharedWindow
from services.gateway.settings import GatewaySettings
from shared.db import Document
from shared.settings import Settings
from tests.integration.gateway_support import wait_clear_of_window_end
from tests.support import assert_problem, serving

pytestmark = pytest.mark.integration


async def test_the_limit_holds_across_gateway_replicas(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    limited = gateway_settings.model_copy(update={"public_rate_limit": 3})
    async with serving(create_app(settings, limited)) as one, serving(
            create_app(settings, limited)) as two:
        wait_clear_of_window_end()
        assert [(await http.get("/v1/reference")).status_code
                for http in (one, two, one)] == [200, 200, 200]
        assert_problem(await two.get("/v1/reference"), 429)
        assert_problem(await one.get("/v1/reference"), 429)


async def test_a_burst_across_replicas_gets_exactly_the_limit(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    limited = gateway_settings.model_copy(update={"public_rate_limit": 5})
    async with serving(create_app(settings, limited)) as one, serving(
            create_app(settings, limited)) as two:
        wait_clear_of_window_end()
        answers = await asyncio.gather(*(http.get("/v1/reference")
                                         for http in [one, two] * 15))
    assert sorted(answer.status_code for answer in answers) == [200] * 5 + [429] * 25


async def test_a_crowd_counted_in_shared_writes_gets_exactly_the_limit_per_client(
    mongo_url: str,
) -> None:
    """Several clients at once make each replica write its counts in bulk (one write and one
    read per round, rounds of both replicas interleaving): still exactly the limit each."""
    client = AsyncMongoClient[Document](mongo_url)
    db = client[f"ratelimit_{uuid.uuid4().hex[:8]}"]
    replicas = [SharedWindow(limit=4), SharedWindow(limit=4)]
    clients = [f"192.0.2.{number}" for number in range(6)]
    now = time.time()
    now -= now % 60 - 1  # inside one window whatever the clock says
    try:
        asked = [(replica, address) for _ in range(5) for replica in replicas
                 for address in clients]
        waits = await asyncio.gather(*(replica.hit(db, address, now)
                                       for replica, address in asked))
        allowed = Counter(address for (_, address), wait in zip(asked, waits, strict=True)
                          if wait is None)
        assert allowed == dict.fromkeys(clients, 4)
        # Refused from memory now, without another write.
        assert await replicas[0].hit(db, clients[0], now + 1) == pytest.approx(58.0)
    finally:
        await client.drop_database(db.name)
        await client.close()


@asynccontextmanager
async def gateway_server(settings: Settings, options: GatewaySettings
                         ) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway as `python -m services.gateway` serves it (uvicorn, real sockets)."""
    sock = bind("127.0.0.1", 0)
    server = make_server(settings, options, sock)
    serving_task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            assert not serving_task.done(), serving_task.result()
            await asyncio.sleep(0.02)
        port = sock.getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10,
                                     trust_env=False) as http:
            yield http
    finally:
        server.should_exit = True
        await serving_task


async def test_forwarded_addresses_count_only_from_trusted_proxies(
    settings: Settings, gateway_settings: GatewaySettings
) -> None:
    limited = gateway_settings.model_copy(update={"public_rate_limit": 3})
    # No proxy configured: the peer is the client.
    async with gateway_server(settings, limited) as http:
        wait_clear_of_window_end()
        for number in range(3):
            forged = {"X-Forwarded-For": f"198.51.100.{number}"}
            assert (await http.get("/v1/reference", headers=forged)).status_code == 200
        assert_problem(await http.get("/v1/reference",
                                      headers={"X-Forwarded-For": "198.51.100.99"}), 429)

    behind_proxy = limited.model_copy(update={"trusted_proxies": "10.0.0.0/8, 127.0.0.1"})
    async with gateway_server(settings, behind_proxy) as http:
        wait_clear_of_window_end()
        for number in range(6):  # distinct clients behind the proxy: each has its own count
            forwarded = {"X-Forwarded-For": f"203.0.113.{number}"}
            assert (await http.get("/v1/reference", headers=forwarded)).status_code == 200
        one_client = {"X-Forwarded-For": "192.0.2.1, 10.1.2.3"}  # through two of our proxies
        assert [(await http.get("/v1/reference", headers=one_client)).status_code
                for _ in range(3)] == [200] * 3
        assert_problem(await http.get("/v1/reference", headers=one_client), 429)
