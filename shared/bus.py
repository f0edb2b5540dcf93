"""The NATS side of every process: RPC responders and calls (the broker factory and streams
live in shared.broker and shared.streams, and are importable from here too)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import nats.errors
from faststream.nats import NatsBroker, NatsRouter
from pydantic import BaseModel, ValidationError
from pymongo.errors import ConnectionFailure

from shared.broker import bus_is_connected as bus_is_connected
from shared.broker import inbox_prefix as inbox_prefix
from shared.broker import make_broker as make_broker
from shared.contracts.rpc import ErrorCode, RpcError, RpcFailure, RpcReply
from shared.metrics import RPC_DURATION
from shared.streams import DLQ_STREAM as DLQ_STREAM
from shared.streams import INGEST_STREAM as INGEST_STREAM
from shared.streams import StreamSpec as StreamSpec
from shared.streams import await_streams as await_streams
from shared.streams import declare_streams as declare_streams
from shared.streams import service_stream as service_stream

log = logging.getLogger(__name__)

Request = TypeVar("Request", bound=BaseModel)
Reply = TypeVar("Reply", bound=BaseModel)


Responder = Callable[[Any], Awaitable[dict[str, Any]]]


RPC_CONCURRENCY = 32
"""Requests one process answers at once. FastStream's default is one at a time, which makes
a burst of registrations queue behind each other's database round trips."""


@dataclass
class RpcRoutes:
    """RPC responders of one service, registered on a router with the service's queue group."""

    service: str
    router: NatsRouter = field(default_factory=NatsRouter)
    concurrency: int = RPC_CONCURRENCY

    def responder(
        self, action: str, request_model: type[Request]
    ) -> Callable[[Callable[[Request], Awaitable[BaseModel | None]]], Responder]:
        """Register `fn(request) -> reply model` on `rpc.<service>.<action>`.

        The request is validated here rather than by FastStream, so that a bad request gets an
        `invalid` error reply instead of no reply at all.
        """

        def register(fn: Callable[[Request], Awaitable[BaseModel | None]]) -> Responder:
            async def respond(body: Any) -> dict[str, Any]:
                reply = await _answer(fn, request_model, body, self.service, action)
                return reply.model_dump(mode="json")

            respond.__name__ = f"{self.service}_{action}"
            doc = (request_model.__doc__ or "").strip().splitlines()
            self.router.subscriber(
                f"rpc.{self.service}.{action}", queue=self.service, title=respond.__name__,
                max_workers=self.concurrency,
                description=f"Request: {request_model.__name__}"
                + (f" ({doc[0]})" if doc else "") + "; reply: {ok, data | error}.",
            )(respond)
            return respond

        return register


class ServiceError(Exception):
    """A refusal a responder raises on purpose: it becomes an error reply with this code."""

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
        self.details = details


async def _answer(
    fn: Callable[[Request], Awaitable[BaseModel | None]], model: type[Request], body: Any,
    service: str, action: str,
) -> RpcReply:
    started = time.perf_counter()
    reply = await _reply(fn, model, body)
    outcome = "ok" if reply.ok else (reply.error.code if reply.error else "internal")
    RPC_DURATION.record(time.perf_counter() - started,
                        {"rpc.service": service, "rpc.method": action, "outcome": outcome})
    return reply


async def _reply(
    fn: Callable[[Request], Awaitable[BaseModel | None]], model: type[Request], body: Any
) -> RpcReply:
    try:
        request = model.model_validate(body if body not in (None, b"", "") else {})
    except ValidationError as error:
        details = {"errors": error.errors(include_url=False, include_input=False)}
        return RpcReply(ok=False, error=RpcError(code="invalid", message="invalid request",
                                                 details=details))
    try:
        result = await fn(request)
    except ServiceError as error:
        return RpcReply(ok=False, error=RpcError(code=error.code, message=error.message,
                                                 details=error.details))
    except ConnectionFailure as error:
        # The service's database is away (an outage, a failover): 503, not a bug's 500.
        log.warning("rpc responder lost its database",
                    extra={"responder": fn.__name__, "error": type(error).__name__})
        return RpcReply(ok=False, error=RpcError(code="unavailable",
                                                 message="database unavailable"))
    except Exception:
        log.exception("rpc responder failed", extra={"responder": fn.__name__})
        return RpcReply(ok=False, error=RpcError(code="internal", message="internal error"))
    return RpcReply(ok=True, data=None if result is None else result.model_dump(mode="json"))


async def call(
    broker: NatsBroker,
    subject: str,
    request: BaseModel,
    reply_model: type[Reply],
    *,
    timeout: float,
) -> Reply:
    """Send a request and return the typed reply, or raise RpcFailure (never hang)."""
    try:
        message = await broker.request(
            request.model_dump(mode="json"), subject, timeout=timeout
        )
    except TimeoutError:
        raise RpcFailure("unavailable", f"no reply on {subject} within {timeout:g} s") from None
    except nats.errors.NoRespondersError:
        raise RpcFailure("unavailable", f"nothing answers on {subject}") from None
    except nats.errors.Error as error:
        raise RpcFailure("unavailable", f"bus error on {subject}: {type(error).__name__}") from None
    try:
        reply = RpcReply.model_validate(await message.decode())
    except ValidationError:
        raise RpcFailure("internal", f"malformed reply on {subject}") from None
    if not reply.ok:
        failure = reply.error or RpcError(code="internal", message="error reply without error")
        raise RpcFailure(failure.code, failure.message, failure.details)
    return reply_model.model_validate(reply.data)
