"""Every MongoDB operation is bounded by MONGO_TIMEOUT_MS: a server that stops answering, or
never answers, fails the operation in time instead of hanging the request or the consumer."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from pymongo.errors import PyMongoError

from shared.db import make_client
from shared.servers import free_port
from shared.settings import Settings

pytestmark = pytest.mark.integration

TIMEOUT_MS = 1_000
SLACK_S = 1.0


class StallingRelay:
    """A TCP relay to MongoDB that can stop passing bytes on, as a hung server would."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.writers: list[asyncio.StreamWriter] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, upstream_writer]
        await asyncio.gather(self._pipe(reader, upstream_writer),
                             self._pipe(upstream_reader, writer), return_exceptions=True)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        while data := await source.read(65_536):
            await self.flowing.wait()
            sink.write(data)
            await sink.drain()
        sink.close()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        server = await asyncio.start_server(self._serve, sock=listener)
        try:
            yield int(listener.getsockname()[1])
        finally:
            server.close()
            for writer in self.writers:
                writer.close()


async def test_a_server_that_stops_answering_fails_the_operation_in_time(
    settings: Settings,
) -> None:
    target = urlsplit(settings.effective_mongo_url())
    relay = StallingRelay(target.hostname or "127.0.0.1", target.port or 27017)
    async with relay.running() as port:
        bounded = settings.model_copy(update={
            "mongo_url": f"mongodb://127.0.0.1:{port}/?directConnection=true",
            "mongo_timeout_ms": TIMEOUT_MS})
        client = make_client(bounded, app_name="timeout-test")
        try:
            things = client[bounded.database_name("timeouts")]["things"]
            await things.insert_one({"_id": "before"})
            relay.flowing.clear()
            started = time.monotonic()
            with pytest.raises(PyMongoError):
                async with asyncio.timeout(8):  # without a bound it waits for ever
                    await things.find_one({"_id": "before"})
            assert time.monotonic() - started < TIMEOUT_MS / 1000 + SLACK_S
        finally:
            relay.flowing.set()
            await client.close()


async def test_an_unreachable_server_fails_the_operation_in_time(settings: Settings) -> None:
    nobody = settings.model_copy(update={
        "mongo_url": f"mongodb://127.0.0.1:{free_port()}/?directConnection=true",
        "mongo_timeout_ms": TIMEOUT_MS})
    client = make_client(nobody, app_name="timeout-test")
    try:
        started = time.monotonic()
        with pytest.raises(PyMongoError):
            await client["t"]["things"].find_one({})
        assert time.monotonic() - started < TIMEOUT_MS / 1000 + SLACK_S
    finally:
        await client.close()
