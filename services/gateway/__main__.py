"""`python -m services.gateway`: serve the gateway with uvicorn until SIGTERM or SIGINT.

Settings come from the environment: the shared ones (`NATS_URL`, `MONGO_URL`, `DB_PREFIX`, ...)
and the gateway's own (`GATEWAY_HOST`, `GATEWAY_PORT`, `RPC_TIMEOUT`, ...); for both,
`GATEWAY_<VARIABLE>` overrides `<VARIABLE>`. The socket is bound here, not by uvicorn, so
that with `GATEWAY_PORT=0` the log says which port was actually taken.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys

import uvicorn

from services.gateway.app import create_app
from services.gateway.context import SERVICE
from services.gateway.settings import GatewaySettings
from shared.metrics import setup_metrics
from shared.servers import server_socket
from shared.settings import Settings, settings_for
from shared.telemetry import resource_of, setup_logging, setup_tracing

log = logging.getLogger("services.gateway")

GRACEFUL_SHUTDOWN_SECONDS = 10
STARTUP_FAILED = 3  # uvicorn's own exit status for a failed startup


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (port 0: any free port); uvicorn listens on it.

    Made by `server_socket`, as every server of ours: its connections answer without the
    40 ms delayed-ACK wait on kept-alive connections.
    """
    return server_socket(host, port)


def make_server(settings: Settings, options: GatewaySettings,
                sock: socket.socket) -> uvicorn.Server:
    """uvicorn serving the gateway app on an already bound socket."""
    proxies = options.trusted_proxy_list()
    return uvicorn.Server(uvicorn.Config(
        create_app(settings, options),
        lifespan="on",  # a failed connection at startup must stop the process, not be ignored
        # The client address decides the public rate limit and scopes idempotency keys, so
        # X-Forwarded-For counts only from the configured proxies: uvicorn's own default
        # believes anyone on loopback, and FORWARDED_ALLOW_IPS is not ours to honour.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies,
        log_config=None,  # keep the JSON logging of shared.telemetry
        # The server spans record every request; an access log would add client addresses.
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    ))


class Stopper:
    """The SIGTERM/SIGINT handler outside uvicorn's own.

    Before serving, a signal just ends the process. While serving, uvicorn's handlers are in
    place; after its graceful shutdown it re-raises the signal with the handlers it found, and
    landing here (rather than on the default handler, which kills the process) lets `main`
    flush spans and exit 0. Between the two, a signal asks the server to stop, as uvicorn would.
    """

    def __init__(self) -> None:
        self.server: uvicorn.Server | None = None

    def __call__(self, signum: int, frame: object) -> None:
        if self.server is None:
            raise SystemExit(0)
        self.server.should_exit = True


def main() -> int:
    """Entry point; the exit status is 0 after a clean stop."""
    stopper = Stopper()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stopper)
    settings = settings_for(SERVICE)
    options = settings_for(SERVICE, GatewaySettings)
    setup_logging(SERVICE, settings.log_level)
    provider = setup_tracing(SERVICE, settings)
    meters = setup_metrics(resource_of(SERVICE, settings), settings)
    try:
        try:
            sock = bind(options.gateway_host, options.gateway_port)
        except OSError as error:
            log.error("gateway cannot bind", extra={
                "host": options.gateway_host, "port": options.gateway_port,
                "reason": error.strerror})
            return STARTUP_FAILED
        host, port = sock.getsockname()[:2]
        stopper.server = server = make_server(settings, options, sock)
        url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        log.info("gateway listening", extra={"host": host, "port": port, "url": url})
        asyncio.run(server.serve(sockets=[sock]))
    finally:
        meters.shutdown()
        provider.shutdown()
    log.info("gateway stopped" if server.started else "gateway did not start")
    return 0 if server.started else STARTUP_FAILED


if __name__ == "__main__":
    sys.exit(main())
