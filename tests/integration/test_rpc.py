"""RPC always answers: bad requests, refusals and bugs come back as typed error replies; and
a request is carried out only if it can start before its deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from faststream.nats import NatsBroker
from pydantic import BaseModel

from shared.bus import RpcRoutes, ServiceError, call, make_broker
from shared.contracts.rpc import DEADLINE_HEADER, RpcFailure
from shared.refusal import Refusal
from shared.settings import Settings
from tests.integration.rpc_support import Work, slow_service

pytestmark = pytest.mark.integration


class Echo(BaseModel):
    text: str


@pytest.fixture
async def responder(settings: Settings) -> AsyncIterator[NatsBroker]:
    routes = RpcRoutes("echo")

    @routes.responder("say", Echo)
    async def say(request: Echo) -> Echo:
        if request.text == "refuse":
            raise ServiceError("conflict", "the session is full", {"seats_left": 0})
        if request.text == "domain-refuse":
            raise Refusal("not_found", "there is no such session")
        if request.text == "crash":
            raise RuntimeError("secret internals: mongodb://user:pw@host")
        return Echo(text=request.text.upper())

    broker = make_broker(settings, client_name="responder")
    broker.include_router(routes.router)
    await broker.start()
    yield broker
    await broker.stop()


async def test_a_valid_request_gets_its_typed_reply(responder: NatsBroker) -> None:
    assert await call(responder, "rpc.echo.say", Echo(text="hola"), Echo, timeout=2) == Echo(
        text="HOLA")


async def test_an_invalid_request_gets_an_invalid_reply(responder: NatsBroker) -> None:
    reply = await responder.request({"txt": 1}, "rpc.echo.say", timeout=2)
    body = await reply.decode()
    assert isinstance(body, dict)
    assert body["ok"] is False and body["error"]["code"] == "invalid"
    assert body["error"]["details"]["errors"][0]["loc"] == ["text"]


async def test_a_refusal_carries_its_code_and_details(responder: NatsBroker) -> None:
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.echo.say", Echo(text="refuse"), Echo, timeout=2)
    assert (failure.value.code, failure.value.message) == ("conflict", "the session is full")
    assert failure.value.details == {"seats_left": 0}


async def test_a_domain_refusal_is_answered_with_its_code(responder: NatsBroker) -> None:
    """Services raise their domain's refusal; the responder answers it without wrapping."""
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.echo.say", Echo(text="domain-refuse"), Echo, timeout=2)
    assert (failure.value.code, failure.value.message) == ("not_found",
                                                          "there is no such session")


async def test_a_bug_answers_internal_without_leaking(responder: NatsBroker) -> None:
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.echo.say", Echo(text="crash"), Echo, timeout=2)
    assert failure.value.code == "internal"
    assert "secret" not in failure.value.message


async def test_nobody_answering_fails_fast_as_unavailable(responder: NatsBroker) -> None:
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.nobody.say", Echo(text="x"), Echo, timeout=5)
    assert failure.value.code == "unavailable"


# Deadlines: a request the caller gave up on is never carried out later.

async def test_a_request_past_its_deadline_is_answered_but_not_carried_out(
    settings: Settings, bus_client: NatsBroker
) -> None:
    async with slow_service(settings, concurrency=2) as service:
        late = {DEADLINE_HEADER: str(int(time.time() * 1000) - 1)}
        reply = await bus_client.request({"tag": "late"}, "rpc.slow.work", headers=late,
                                         timeout=2)
        body = await reply.decode()
        assert isinstance(body, dict)
        assert body["error"] == {"code": "unavailable", "message": "deadline passed",
                                 "details": None}
        in_time = {DEADLINE_HEADER: str(int(time.time() * 1000) + 2000)}
        answered = await bus_client.request({"tag": "in time"}, "rpc.slow.work",
                                            headers=in_time, timeout=2)
        # Callers from before deadlines existed send none: still answered.
        unmarked = await bus_client.request({"tag": "no deadline"}, "rpc.slow.work", timeout=2)
        for reply in (answered, unmarked):
            body = await reply.decode()
            assert isinstance(body, dict) and body["ok"] is True
    assert service.done == ["in time", "no deadline"]


async def test_a_request_the_caller_gave_up_on_while_it_waited_is_never_carried_out(
    settings: Settings, bus_client: NatsBroker
) -> None:
    async with slow_service(settings, concurrency=1) as service:
        # A long timeout: on a loaded machine the worker may pick the first request up late,
        # and past half the timeout (its start-by deadline) it would rightly refuse it.
        busy = asyncio.create_task(call(bus_client, "rpc.slow.work",
                                        Work(tag="busy", seconds=1.5), Work, timeout=20))
        for _ in range(1000):  # until the one worker is busy with it (at most 10 s)
            if service.running:
                break
            await asyncio.sleep(0.01)
        assert service.running == 1  # the next request waits behind it
        with pytest.raises(RpcFailure) as failure:
            await call(bus_client, "rpc.slow.work", Work(tag="given up"), Work, timeout=0.6)
        assert failure.value.code == "unavailable"
        assert (await busy).tag == "busy"
        await asyncio.sleep(0.5)  # the worker has long been free to take the waiting request
    assert service.done == ["busy"]
