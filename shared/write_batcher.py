"""Group commit: writes of one kind that arrive while another is in flight go out together.

Under a burst, most MongoDB commands of a request are the same statement for different
documents (insert this registration, move that one out of `received`). A `WriteBatcher` sends
the first of them at once (a lone write is never delayed: no linger) and collects those that
arrive while that command is under way; when it returns, the collected ones go out as ONE
command, and so on. Each statement keeps its own filter and its own outcome (a result or an
exception for that caller alone), so a batch is the same as its statements sent one by one at
the same moment: a batch in flight when the process dies leaves each of its writes applied or
not, as concurrent single writes would. Modelled on the gateway rate limit's `Batches`.

The `write` function gets the statements in arrival order and answers one outcome per
statement, in the same order: a value, or an exception to raise in that caller only. An
exception it raises itself (the server is away, a write concern failed) reaches every caller
of the batch, as it would have reached each of them alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Statement = TypeVar("Statement")
Result = TypeVar("Result")

MAX_BATCH = 500
"""The most statements one command carries: bounds the reply a caller waits for (the driver
splits a larger one into several commands anyway)."""


class WriteBatcher(Generic[Statement, Result]):
    """Sends statements one command at a time; those arriving meanwhile share the next one."""

    def __init__(self, write: Callable[[list[Statement]],
                                       Awaitable[Sequence[Result | BaseException]]],
                 *, max_batch: int = MAX_BATCH) -> None:
        self._write, self._max_batch = write, max_batch
        self._next: list[tuple[Statement, asyncio.Future[Result]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def submit(self, statement: Statement) -> Result:
        """Write `statement` with whatever else is waiting; its own outcome."""
        loop = asyncio.get_running_loop()
        outcome: asyncio.Future[Result] = loop.create_future()
        self._next.append((statement, outcome))
        if self._writing is None or self._writing.done() or self._writing.get_loop() is not loop:
            self._writing = asyncio.create_task(self._write_rounds())
        return await outcome

    async def _write_rounds(self) -> None:
        while self._next:
            batch = self._next[:self._max_batch]
            del self._next[:self._max_batch]
            try:
                outcomes = await self._write([statement for statement, _ in batch])
            except asyncio.CancelledError:
                for _, waiting in batch + self._next:
                    waiting.cancel()  # never leave a caller hanging
                self._next = []
                raise
            except Exception as error:
                outcomes = [error] * len(batch)
            if len(outcomes) != len(batch):
                answered = RuntimeError(f"a batched write answered for {len(outcomes)} of "
                                        f"{len(batch)} statements")
                outcomes = [answered] * len(batch)
            for (_, waiting), outcome in zip(batch, outcomes, strict=True):
                if waiting.done():  # its caller was cancelled; the write went out anyway
                    continue
                if isinstance(outcome, BaseException):
                    waiting.set_exception(outcome)
                else:
                    waiting.set_result(outcome)
