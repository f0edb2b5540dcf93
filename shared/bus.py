"""The NATS side of every process: RPC responders and calls (the broker factory and streams
live in shared.broker and shared.streams, and are importable from here too).

Deadlines. `call` sends `Dialogues-Deadline` (shared.contracts.rpc): half its timeout after the
send, in epoch milliseconds of the caller's clock. A responder that picks the request up after
that answers `unavailable` ("deadline passed") without running the handler, so a request the
caller gave up on is never carried out later. Why an absolute time with a wide margin, and not
a relative budget: core NATS stamps no time on a message, and the wait that matters happens in
the responder's own process (its subscription's pending queue while every worker is busy), out
of sight of its handler; "remaining ms" measured from when the handler starts would hide that
wait. An absolute deadline sees it, at the price of trusting the two clocks: the half timeout
left after the deadline (1 s at RPC_TIMEOUT=2) is for the work and the reply and absorbs the
difference. A responder whose clock is behind by less than that still finishes before the
caller gives up; one ahead by more than that refuses everything, loudly (every reply says
"deadline passed"), never silently doing work twice. Hosts keep time with NTP (milliseconds
apart), so either margin is wide.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import nats.errors
from faststream import BaseMiddleware, StreamMessage
from faststream.nats import NatsBroker
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from pymongo.errors import ConnectionFailure

from shared.broker import bus_is_connected as bus_is_connected
from shared.broker import inbox_prefix as inbox_prefix
from shared.broker import make_broker as make_broker
from shared.contracts.rpc import (
    DEADLINE_HEADER,
    ErrorCode,
    RpcError,
    RpcFailure,
    RpcReply,
    start_by,
)
from shared.contracts.rpc import Request as RpcRequest
from shared.metrics import RPC_DURATION
from shared.refusal import Refusal
from shared.services_api import RpcRouter
from shared.streams import DLQ_STREAM as DLQ_STREAM
from shared.streams import INGEST_STREAM as INGEST_STREAM
from shared.streams import StreamSpec as StreamSpec
from shared.streams import await_streams as await_streams
from shared.streams import declare_streams as declare_streams
from shared.streams import service_stream as service_stream

log = logging.getLogger(__name__)

Request = TypeVar("Request", bound=RpcRequest)
Reply = TypeVar("Reply", bound=BaseModel)


Responder = Callable[[Any], Awaitable[bytes]]


RESPONDER_CONCURRENCY = 32
"""Requests one process answers at once, per action. FastStream's default is one at a time,
which makes a burst of registrations queue behind each other's database round trips. The
gateway sends at most RPC_CONCURRENCY (32, the same) to a service at once, so one gateway never
makes a replica queue; what does queue (several gateways) waits under the deadline."""


_REQUEST_HEADERS: ContextVar[dict[str, Any] | None] = ContextVar("rpc_request_headers",
                                                                default=None)


class RequestHeaders(BaseMiddleware[Any, Any]):
    """Hands the request's headers to the responder through a context variable.

    Why not a `NatsMessage` parameter: FastStream resolves it with a synchronous
    `Context.use`, which fast_depends runs in a worker thread, one thread hop per request
    (measured on a registration burst: one per RPC, and the GIL handed back and forth).
    A middleware's `consume_scope` is async and runs in the handler's own task."""

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]],
                            msg: StreamMessage[Any]) -> Any:
        token = _REQUEST_HEADERS.set(msg.headers)
        try:
            return await call_next(msg)
        finally:
            _REQUEST_HEADERS.reset(token)


@dataclass
class RpcRoutes:
    """RPC responders of one service, registered on a router with the service's queue group."""

    service: str
    router: RpcRouter = field(default_factory=RpcRouter)
    concurrency: int = RESPONDER_CONCURRENCY

    def __post_init__(self) -> None:
        self.router.add_middleware(RequestHeaders)

    def responder(
        self, action: str, request_model: type[Request]
    ) -> Callable[[Callable[[Request], Awaitable[BaseModel | None]]], Responder]:
        """Register `fn(request) -> reply model` on `rpc.<service>.<action>`.

        The request is validated here rather than by FastStream, so that a bad request gets an
        `invalid` error reply instead of no reply at all. A request picked up after its
        deadline is answered `unavailable` without calling `fn` (see the module docstring).
        Every answer is counted for `$SRV.STATS` (shared.services_api).
        """

        def register(fn: Callable[[Request], Awaitable[BaseModel | None]]) -> Responder:
            subject = f"rpc.{self.service}.{action}"
            counts = self.router.counted(action, subject, queue_group=self.service)

            async def respond(body: Any) -> bytes:
                started = time.perf_counter_ns()
                if deadline_passed(_REQUEST_HEADERS.get() or {}):
                    reply = _expired(self.service, action)
                else:
                    reply = await _answer(fn, request_model, body, self.service, action)
                counts.record(reply, started)
                return _on_the_wire(reply)

            respond.__name__ = f"{self.service}_{action}"
            doc = (request_model.__doc__ or "").strip().splitlines()
            self.router.subscriber(
                subject, queue=self.service, title=respond.__name__,
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


def deadline_passed(headers: dict[str, Any], now: float | None = None) -> bool:
    """Whether the request's `Dialogues-Deadline` is behind us (no header: it never passes)."""
    raw = headers.get(DEADLINE_HEADER)
    if raw is None:
        return False
    try:
        deadline_ms = int(raw)
    except (TypeError, ValueError):
        return False  # not ours to judge: answer it as before deadlines existed
    return (time.time() if now is None else now) * 1000 > deadline_ms


def _on_the_wire(reply: RpcReply) -> bytes:
    """The reply as sent, as JSON bytes written here: returned as a dict, FastStream's
    dependency layer validated it against the return type (a copy of every reply) before
    serialising it."""
    return to_json(reply)


def _expired(service: str, action: str) -> RpcReply:
    log.info("rpc dropped: deadline passed", extra={"rpc_service": service, "rpc_method": action})
    RPC_DURATION.record(0.0, {"rpc.service": service, "rpc.method": action,
                              "outcome": "deadline_passed"})
    return RpcReply(ok=False, error=RpcError(code="unavailable", message="deadline passed"))


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
        # Through JSON: a validator's own ValueError sits in `ctx` and would make the reply
        # unserializable (the caller then waits for a reply that never comes).
        details = {"errors": json.loads(error.json(include_url=False, include_input=False))}
        return RpcReply(ok=False, error=RpcError(code="invalid", message="invalid request",
                                                 details=details))
    try:
        result = await fn(request)
    except (ServiceError, Refusal) as error:  # a refusal the service meant, with its code
        return RpcReply(ok=False, error=RpcError(code=cast(ErrorCode, error.code),
                                                 message=error.message, details=error.details))
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
    """Send a request and return the typed reply, or raise RpcFailure (never hang).

    `timeout` counts from now, the send; the responder must start the work within its first
    half (`Dialogues-Deadline`) or leave it undone."""
    headers = {DEADLINE_HEADER: str(start_by(time.time(), timeout))}
    try:
        # The model itself: FastStream writes it as JSON in one pass (no dict dump first).
        message = await broker.request(request, subject, headers=headers, timeout=timeout)
    except TimeoutError:
        raise RpcFailure("unavailable", f"no reply on {subject} within {timeout:g} s") from None
    except nats.errors.NoRespondersError:
        raise RpcFailure("unavailable", f"nothing answers on {subject}") from None
    except nats.errors.Error as error:
        raise RpcFailure("unavailable", f"bus error on {subject}: {type(error).__name__}") from None
    try:
        # Straight from the bytes: no json.loads into Python objects first.
        reply = RpcReply.model_validate_json(message.body)
    except ValidationError:
        raise RpcFailure("internal", f"malformed reply on {subject}") from None
    if not reply.ok:
        failure = reply.error or RpcError(code="internal", message="error reply without error")
        raise RpcFailure(failure.code, failure.message, failure.details)
    return reply_model.model_validate(reply.data)
