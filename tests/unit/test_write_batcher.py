"""WriteBatcher: a lone write goes at once; writes arriving meanwhile share the next command,
each with its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from shared.write_batcher import WriteBatcher

pytestmark = pytest.mark.unit


class Server:
    """A write function that records each command and answers when let go."""

    def __init__(self) -> None:
        self.commands: list[list[str]] = []
        self.go = asyncio.Event()

    async def write(self, statements: list[str]) -> Sequence[str | BaseException]:
        self.commands.append(statements)
        await self.go.wait()
        if "down" in statements:
            raise ConnectionError("server away")
        return [ValueError(s) if s.startswith("bad") else s.upper() for s in statements]


async def test_a_lone_write_goes_at_once_and_later_ones_share_the_next_command() -> None:
    server = Server()
    batcher = WriteBatcher(server.write)
    first = asyncio.create_task(batcher.submit("a"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert server.commands == [["a"]]  # not waiting for company
    later = [asyncio.create_task(batcher.submit(s)) for s in ("b", "bad", "c")]
    server.go.set()
    assert await first == "A"
    results = await asyncio.gather(*later, return_exceptions=True)
    assert server.commands == [["a"], ["b", "bad", "c"]]
    assert results[0] == "B" and results[2] == "C"
    assert isinstance(results[1], ValueError)  # its own failure only


async def test_a_failed_command_fails_each_of_its_callers() -> None:
    server = Server()
    server.go.set()
    batcher = WriteBatcher(server.write)
    results = await asyncio.gather(batcher.submit("down"), batcher.submit("x"),
                                   return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    assert await batcher.submit("y") == "Y"  # and the next round goes on


async def test_a_cancelled_caller_leaves_the_others_their_answers() -> None:
    server = Server()
    batcher = WriteBatcher(server.write)
    gone = asyncio.create_task(batcher.submit("a"))
    kept = asyncio.create_task(batcher.submit("b"))
    await asyncio.sleep(0)
    gone.cancel()
    server.go.set()
    assert await kept == "B"
    with pytest.raises(asyncio.CancelledError):
        await gone
