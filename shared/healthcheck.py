"""`python -m shared.healthcheck SERVICE`: exit 0 if the service answers its RPC ping.

Container health checks use it: a worker has no HTTP port, but it must answer on the bus and
reach its database to be healthy.
"""

from __future__ import annotations

import asyncio
import sys

from shared.bus import call, make_broker
from shared.contracts.rpc import Ping, Pong, RpcFailure
from shared.settings import settings_for


async def healthy(service: str) -> bool:
    """Whether `service` answers its ping and says its database answers."""
    settings = settings_for(service)
    broker = make_broker(settings, client_name=f"healthcheck-{service}")
    try:
        await broker.connect()
        pong = await call(broker, f"rpc.{service}.ping", Ping(), Pong, timeout=2.0)
    except (RpcFailure, OSError, TimeoutError):
        return False
    finally:
        await broker.stop()
    return pong.database


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(healthy(sys.argv[1])) else 1)
