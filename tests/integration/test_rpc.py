"""RPC always answers: bad requests, refusals and bugs come back as typed error replies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from faststream.nats import NatsBroker
from pydantic import BaseModel

from shared.bus import RpcRoutes, ServiceError, call, make_broker
from shared.contracts.rpc import RpcFailure
from shared.settings import Settings

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


async def test_a_bug_answers_internal_without_leaking(responder: NatsBroker) -> None:
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.echo.say", Echo(text="crash"), Echo, timeout=2)
    assert failure.value.code == "internal"
    assert "secret" not in failure.value.message


async def test_nobody_answering_fails_fast_as_unavailable(responder: NatsBroker) -> None:
    with pytest.raises(RpcFailure) as failure:
        await call(responder, "rpc.nobody.say", Echo(text="x"), Echo, timeout=5)
    assert failure.value.code == "unavailable"
