"""The broker factory: how every process connects to NATS, and stays connected.

Two rules from outages seen in production-like runs. A process gives up on its first
connection after a few attempts, so a wrong URL or a missing server fails at start instead of
hanging. Once connected it reconnects for ever: nats-py otherwise closes the connection after
its last attempt, and FastStream's pull consumers then spin on the closed connection (their
fetch raises `ConnectionClosedError` without ever yielding to the event loop), which starves
the loop: 100% CPU, no reply to anything, SIGTERM never handled.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from urllib.parse import urlsplit

import nats.errors
from faststream.exceptions import IncorrectState
from faststream.nats import NatsBroker
from faststream.nats.broker.broker import UNRECOVERABLE_CONNECT_ERRORS
from nats.aio.client import Client

from shared.nats_spans import NatsSpans
from shared.settings import Settings

STARTUP_CONNECT_ATTEMPTS = 2
"""Retries of the first connection: a wrong URL or a missing server fails in seconds."""
RECONNECT_WAIT_S = 2
"""Between reconnection attempts, for ever once connected: an outage of any length is survived."""


def inbox_prefix(settings: Settings) -> str:
    """`_INBOX_<user>`: deploy/nats.conf lets each user read replies under its own prefix only."""
    user = urlsplit(settings.nats_servers()[0]).username
    return f"_INBOX_{user}" if user else "_INBOX"


class ReconnectingBroker(NatsBroker):
    """A NatsBroker that never gives up once connected, and reads replies in its own inbox."""

    stopping = False
    """Set by `stop()`: a close we asked for is not an outage."""
    connected_once = False
    """Set once the first connection is made: from then on, errors are about reconnecting."""
    pull_inbox = b"_INBOX."
    """Where pull consumers receive their messages: the connection's inbox prefix and a dot."""

    async def _connect(self) -> Client:
        """Connect (failing after a few attempts), then reconnect for ever.

        nats-py applies one limit to both; with -1 from the start, a wrong URL would hang.
        The hook under `connect()`, so that FastStream's TestNatsBroker, which replaces it
        with a connection of its own, leaves the broker usable in memory."""
        connection = await super()._connect()
        connection.options["max_reconnect_attempts"] = -1
        self.connected_once = True
        return connection

    async def start(self) -> None:
        """Start serving, with pull consumers fetching into this user's inbox.

        FastStream hands every pull subscriber `_INBOX.` unless told otherwise, which the
        server refuses to a user that may read `_INBOX_<user>.>` only."""
        for subscriber in self.subscribers:
            options = getattr(subscriber, "extra_options", None)
            if isinstance(options, dict) and "inbox_prefix" in options:
                options["inbox_prefix"] = self.pull_inbox
        await super().start()

    async def stop(self, exc_type: type[BaseException] | None = None,
                   exc_val: BaseException | None = None,
                   exc_tb: TracebackType | None = None) -> None:
        """Stop serving and close; during an outage there is nothing to drain, so just close."""
        self.stopping = True
        connection = self._connection
        try:
            await super().stop(exc_type, exc_val, exc_tb)
        except (nats.errors.ConnectionReconnectingError, nats.errors.ConnectionClosedError):
            if connection is not None:
                # nats-py flushes what it buffered while away into the dead socket, and fails.
                with contextlib.suppress(OSError):
                    await connection.close()
            self._connection = None
            self.config.disconnect()


def make_broker(settings: Settings, *, client_name: str,
                on_closed: Callable[[], Awaitable[None]] | None = None) -> NatsBroker:
    """A broker with telemetry that fails fast at startup and then survives any outage.

    `on_closed` runs if the connection closes for good without `stop()` (the server refused
    us: credentials revoked, say): nothing would reconnect it.
    """
    async def closed() -> None:
        if on_closed is not None and not broker.stopping:
            await on_closed()

    async def failed(error: Exception) -> None:
        # FastStream re-raises the errors it deems unrecoverable (a revoked password) out of
        # nats-py's reconnect loop, which then stops without closing the connection: no
        # closed callback, never connected again. That is closed for good too.
        if broker.connected_once and _unrecoverable(error):
            await closed()

    broker = ReconnectingBroker(
        settings.nats_servers(),
        name=client_name,
        inbox_prefix=inbox_prefix(settings),
        connect_timeout=2,
        reconnect_time_wait=RECONNECT_WAIT_S,
        max_reconnect_attempts=STARTUP_CONNECT_ATTEMPTS,
        # A server that vanishes without closing the socket is noticed in about 30 s, not 4 min.
        ping_interval=10,
        max_outstanding_pings=3,
        closed_cb=closed,
        error_cb=failed,
        middlewares=[NatsSpans()],
        logger=logging.getLogger(f"faststream.{client_name}"),
        # FastStream's "Received"/"Processed" lines for every message only when LOG_LEVEL is
        # DEBUG (FastStream drops them when told to write them at DEBUG): handlers log what
        # they did, FastStream still logs failures at ERROR, and in a burst of 1,000
        # registrations those two lines per message were a visible share of the CPU.
        log_level=logging.INFO if settings.log_level.upper() == "DEBUG" else logging.DEBUG,
        graceful_timeout=10.0,
    )
    broker.pull_inbox = f"{inbox_prefix(settings)}.".encode()
    return broker


def _unrecoverable(error: Exception) -> bool:
    reason = str(error).removeprefix("nats: ").strip("'").lower()
    return isinstance(error, nats.errors.Error) and reason in UNRECOVERABLE_CONNECT_ERRORS


def bus_is_connected(broker: NatsBroker) -> bool:
    """Whether the broker is connected right now (not connecting, reconnecting or closed)."""
    try:
        return bool(broker.connection.is_connected)
    except IncorrectState:
        return False
