"""`python -m shared.healthcheck SERVICE`: exit 0 if the service answers its RPC ping.

Container health checks use it: a worker has no HTTP port, but it must answer on the bus and
reach its database to be healthy. A service cut off from NATS cannot answer, so the check
fails while it is disconnected; it asks as the service's own user (deploy/nats.conf allows
each service `rpc.<service>.ping` for this), and fails within seconds if NATS is away.
"""

from __future__ import annotations

import asyncio
import sys

import nats.errors

from shared.bus import call, make_broker
from shared.contracts.rpc import Ping, Pong, RpcFailure
from shared.settings import Settings, settings_for


async def healthy(service: str, settings: Settings | None = None) -> bool:
    """Whether `service` answers its ping and says its database answers."""
    settings = settings or settings_for(service)
    broker = make_broker(settings, client_name=f"healthcheck-{service}")
    try:
        await broker.connect()
        pong = await call(broker, f"rpc.{service}.ping", Ping(), Pong, timeout=2.0)
    except (RpcFailure, OSError, TimeoutError, nats.errors.Error):
        return False
    finally:
        await broker.stop()
    return pong.database


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(healthy(sys.argv[1])) else 1)
