"""How many requests the gateway sends to each service at once, and who waits.

A burst (a popular session opening: a thousand registrations in a second) used to go to the
service all at once. The service answers a few dozen at a time; the rest waited in its
subscription, while the gateway's RPC_TIMEOUT ran from the moment each request arrived, so
most were answered 503 and then carried out anyway. Now each service has a lane: at most
RPC_CONCURRENCY requests in flight, the rest wait here in order (at most RPC_QUEUE of them, at
most RPC_QUEUE_WAIT seconds each), and the RPC timeout starts when a request is sent. Only a
full queue or a wait past its bound answers 503, with `Retry-After`, before anything is sent.

Waiting here rather than in the service keeps the service's own queue short, so a request it
is sent is started at once and well within its deadline (shared.bus); and a person waiting
in a queue holds only a coroutine, not a place in the service's workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from services.gateway.settings import GatewaySettings
from shared.contracts.rpc import RpcFailure

SMOOTHING = 0.1
"""Weight of the newest RPC in the running mean of RPC durations (Retry-After's estimate)."""


class Overloaded(RpcFailure):
    """The gateway did not send the request: the service's queue is full or the wait too long.

    503 (`unavailable`) with `Retry-After`, the seconds the queue needs to drain; `headers` is
    what both the API's problem details and the site's error pages put on the answer."""

    def __init__(self, service: str, reason: str, retry_after: int):
        super().__init__("unavailable", f"{service} is busy: {reason}; nothing was done")
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass
class Lane:
    """The requests of one gateway process to one service: some in flight, the rest waiting."""

    service: str
    concurrency: int
    queue: int
    wait: float
    in_flight: int = 0
    mean_rpc_s: float = 0.05
    waiting: deque[asyncio.Future[None]] = field(default_factory=deque)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the lane's places in flight while the block runs; wait for one in
        order if none is free; raise Overloaded if the queue is full or the wait too long."""
        if self.in_flight < self.concurrency and not self.waiting:
            self.in_flight += 1
        else:
            await self._wait_for_slot()
        started = time.monotonic()
        try:
            yield
        finally:
            elapsed = time.monotonic() - started
            self.mean_rpc_s += SMOOTHING * (elapsed - self.mean_rpc_s)
            self._release()

    def retry_after(self) -> int:
        """Seconds until the queue as it stands now has drained, at least 1."""
        ahead = len(self.waiting) + self.in_flight
        return max(1, math.ceil(ahead * self.mean_rpc_s / self.concurrency))

    async def _wait_for_slot(self) -> None:
        if len(self.waiting) >= self.queue:
            raise Overloaded(self.service, "the queue is full", self.retry_after())
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            async with asyncio.timeout(self.wait):
                await turn
        except TimeoutError:
            if not _was_handed_a_slot(turn):
                raise Overloaded(self.service, f"waited {self.wait:g} s",
                                 self.retry_after()) from None
            # Handed a slot in the same instant the wait ran out: take it.
        except BaseException:
            if _was_handed_a_slot(turn):
                self._release()  # cancelled (the client left) just as its turn came: pass it on
            raise
        finally:
            if not _was_handed_a_slot(turn):
                turn.cancel()
                with contextlib.suppress(ValueError):  # _release may have dropped it already
                    self.waiting.remove(turn)

    def _release(self) -> None:
        """Hand the place to the first request still waiting, or give it back."""
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.in_flight -= 1


def _was_handed_a_slot(turn: asyncio.Future[None]) -> bool:
    return turn.done() and not turn.cancelled()


@dataclass
class Lanes:
    """One lane per service, made on first use from the gateway's settings."""

    settings: GatewaySettings
    by_service: dict[str, Lane] = field(default_factory=dict)

    def __call__(self, service: str) -> Lane:
        """The lane of `service`."""
        if (lane := self.by_service.get(service)) is None:
            lane = self.by_service[service] = Lane(
                service, self.settings.rpc_concurrency, self.settings.rpc_queue,
                self.settings.rpc_queue_wait)
        return lane
