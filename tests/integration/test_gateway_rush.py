"""Under a burst the gateway queues instead of failing: a bounded number of requests in flight
to each service, the rest waiting in order, 503 with Retry-After only when the queue is full
or a wait runs too long, and nothing carried out for a request that was answered 503."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from faststream.nats import NatsBroker
from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from services.gateway.admission import Lane
from services.gateway.app import create_app
from services.gateway.context import Gateway
from services.gateway.settings import GatewaySettings
from shared.bus import call
from shared.settings import Settings
from tests.integration.rpc_support import Work, slow_service
from tests.support import assert_problem, serving

pytestmark = pytest.mark.integration


@get("/v1/test/slow/{tag:str}")
async def slow_work(gateway: NamedDependency[Gateway], tag: FromPath[str],
                    seconds: FromQuery[float] = 0.0) -> Work:
    """Ask the slow test service (tests.integration.test_rpc) to work `seconds`."""
    return await gateway.call("slow", "work", Work(tag=tag, seconds=seconds), Work)


@asynccontextmanager
async def gateway(settings: Settings, **limits: float) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app with the slow route, on `settings` and these RPC_* limits."""
    app = create_app(settings, GatewaySettings(**limits), extra_route_handlers=[slow_work])
    async with serving(app) as http:
        yield http


async def burst(http: httpx.AsyncClient, count: int, seconds: float) -> list[httpx.Response]:
    return list(await asyncio.gather(*(
        http.get(f"/v1/test/slow/r{i}", params={"seconds": seconds}, timeout=30)
        for i in range(count))))


async def test_a_burst_beyond_the_bound_waits_its_turn_instead_of_failing(
    settings: Settings,
) -> None:
    # 16 requests of 0.25 s, 2 at a time, take 2 s: twice RPC_TIMEOUT. Sent all at once, the
    # last would wait 1.75 s in the service and time out; queued in the gateway, each RPC
    # takes 0.25 s of its 1 s.
    async with slow_service(settings, concurrency=2) as service, gateway(
            settings, rpc_timeout=1.0, rpc_concurrency=2, rpc_queue=50,
            rpc_queue_wait=10.0) as http:
        answers = await burst(http, 16, 0.25)
    assert [a.status_code for a in answers] == [200] * 16
    assert sorted(service.done) == sorted(f"r{i}" for i in range(16))
    assert service.most_at_once == 2


async def test_a_full_queue_answers_503_with_retry_after_and_does_nothing(
    settings: Settings,
) -> None:
    async with slow_service(settings, concurrency=4) as service, gateway(
            settings, rpc_concurrency=1, rpc_queue=2, rpc_queue_wait=10.0) as http:
        answers = await burst(http, 6, 0.4)
        await asyncio.sleep(0.5)
    ok = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code != 200]
    assert len(ok) == 3 and len(refused) == 3  # one in flight, two waiting
    for answer in refused:
        body = assert_problem(answer, 503)
        assert int(answer.headers["Retry-After"]) >= 1
        assert "nothing was done" in str(body["detail"])
    assert sorted(service.done) == sorted(a.json()["tag"] for a in ok)


async def test_a_wait_past_the_bound_answers_503_and_is_never_sent(settings: Settings) -> None:
    async with slow_service(settings, concurrency=4) as service, gateway(
            settings, rpc_concurrency=1, rpc_queue=10, rpc_queue_wait=0.3) as http:
        answers = await burst(http, 3, 1.0)
        await asyncio.sleep(1.2)
    assert sorted(a.status_code for a in answers) == [200, 503, 503]
    assert all(int(a.headers["Retry-After"]) >= 1 for a in answers if a.status_code == 503)
    assert len(service.done) == 1


async def test_a_request_the_gateway_gave_up_on_is_not_carried_out_later(
    settings: Settings, bus_client: NatsBroker
) -> None:
    # Another caller keeps the service's one worker busy for 1.5 s: the gateway's request
    # waits inside the service past RPC_TIMEOUT, the person gets 503, and when the worker
    # is free the service drops it instead of doing it for nobody.
    async with slow_service(settings, concurrency=1) as service, gateway(
            settings, rpc_timeout=0.6) as http:
        busy = asyncio.create_task(call(bus_client, "rpc.slow.work",
                                        Work(tag="busy", seconds=1.5), Work, timeout=5))
        await asyncio.sleep(0.2)
        assert_problem(await http.get("/v1/test/slow/given-up"), 503)
        await busy
        await asyncio.sleep(0.5)
    assert service.done == ["busy"]


async def test_a_client_that_leaves_while_waiting_gives_its_place_back() -> None:
    lane = Lane("slow", concurrency=1, queue=5, wait=5.0)
    first_done, order = asyncio.Event(), []

    async def hold(name: str, until: asyncio.Event | None = None) -> None:
        async with lane.slot():
            order.append(name)
            if until is not None:
                await until.wait()

    first = asyncio.create_task(hold("first", first_done))
    await asyncio.sleep(0)
    leaving, staying = asyncio.create_task(hold("leaving")), asyncio.create_task(hold("staying"))
    await asyncio.sleep(0.05)
    assert (lane.in_flight, len(lane.waiting)) == (1, 2)
    leaving.cancel()
    await asyncio.sleep(0.05)
    assert len(lane.waiting) == 1
    first_done.set()
    await asyncio.gather(first, staying)
    assert leaving.cancelled() and order == ["first", "staying"]
    assert (lane.in_flight, len(lane.waiting)) == (0, 0)
