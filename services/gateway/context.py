"""What the gateway's handlers share: settings and the clients the lifespan opened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from faststream.nats import NatsBroker
from litestar import Litestar
from litestar.datastructures import State
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.keys import KeyStore
from shared.db import Document
from shared.settings import Settings

SERVICE = "gateway"


@dataclass(frozen=True)
class Gateway:
    """The connected gateway: bus, database and stores, kept in `app.state.gateway`."""

    settings: Settings
    broker: NatsBroker
    client: AsyncMongoClient[Document]
    db: AsyncDatabase[Document]
    keys: KeyStore


def gateway_of(app: Litestar) -> Gateway:
    """The gateway an app's lifespan connected; fails loudly outside the lifespan."""
    return cast(Gateway, app.state.gateway)


def provide_gateway(state: State) -> Gateway:
    """Dependency: the connected gateway."""
    return cast(Gateway, state.gateway)
