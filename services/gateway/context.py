"""What the gateway's handlers share: settings and the clients the lifespan opened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar, cast

from faststream.nats import NatsBroker
from litestar import Litestar
from litestar.datastructures import State
from pydantic import BaseModel
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.admission import Lanes
from services.gateway.keys import KeyStore
from services.gateway.settings import GatewaySettings
from shared.bus import call
from shared.db import Document
from shared.settings import Settings

SERVICE = "gateway"
Reply = TypeVar("Reply", bound=BaseModel)


@dataclass(frozen=True)
class Gateway:
    """The connected gateway: bus, database and stores, kept in `app.state.gateway`."""

    settings: Settings
    options: GatewaySettings
    """The gateway's own settings: RPC waits and queues, limits, where it listens."""
    broker: NatsBroker
    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    keys: KeyStore
    lanes: Lanes = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lanes", Lanes(self.options))

    async def call(
        self, service: str, action: str, request: BaseModel, reply_model: type[Reply]
    ) -> Reply:
        """Ask `service` to do `action`; a refusal raises RpcFailure, which the app turns into
        problem details (422, 404, 409, 410, 503, ...).

        The request waits its turn in the service's lane (services.gateway.admission): a
        burst queues instead of failing, and only a full queue or a wait past RPC_QUEUE_WAIT
        answers 503 with Retry-After, before anything is sent. RPC_TIMEOUT counts from the
        send, and the service drops the request if it cannot start it in time (shared.bus)."""
        async with self.lanes(service).slot():
            return await call(self.broker, f"rpc.{service}.{action}", request, reply_model,
                              timeout=self.options.rpc_timeout)


def gateway_of(app: Litestar) -> Gateway:
    """The gateway an app's lifespan connected; fails loudly outside the lifespan."""
    return cast(Gateway, app.state.gateway)


def provide_gateway(state: State) -> Gateway:
    """Dependency: the connected gateway."""
    return cast(Gateway, state.gateway)
