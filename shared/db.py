"""MongoDB access: one client per process, one database per service, indexes declared in code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pymongo
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.command_log import command_log
from shared.mongo_spans import MongoSpans
from shared.settings import Settings

Document = dict[str, Any]
INDEX_BUILD_TIMEOUT_S = 600.0
"""How long creating the declared indexes at start-up may take (a build on a big collection)."""
PING_TIMEOUT_S = 3.0
"""How long a health check's ping waits: probes want an answer sooner than MONGO_TIMEOUT_MS."""
POOL_MIN = 8
"""Connections each process keeps open to MongoDB, idle or not. pymongo opens them in the
background within about a second of connecting (and again after a failover), instead of
during the first burst: there, each new connection is a TCP and TLS handshake, a `hello`, and
an address lookup in a worker thread, two at a time (pymongo's `maxConnecting`) while the
other requests wait, which measured as the largest single cost of a registration burst and
starved the gateway's 1.5 s operations into their fallbacks. A quarter of
RESPONDER_CONCURRENCY: a responder's requests spend much of their time outside the database.
Asked for by the long-lived clients only (services, gateway): a CLI command or a test's check
has no burst to wait for."""
POOL_MAX = 64
"""The most connections one process opens (pymongo's default is 100). Beyond it operations
wait for a free one, within their own timeout: a crowd queues in the client instead of
opening connections the server pays for (every service replica has its own pool)."""


@dataclass(frozen=True)
class IndexSpec:
    """One index of one collection, e.g. `IndexSpec("sessions", (("starts_at", 1),))`."""

    collection: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    options: dict[str, Any] = field(default_factory=dict)


def make_client(settings: Settings, *, app_name: str,
                pool_min: int = 0) -> AsyncMongoClient[Document]:
    """A client whose every operation fails after MONGO_TIMEOUT_MS instead of hanging.

    `timeoutMS` (client-side operation timeout) bounds each operation as a whole: waiting
    for a server, retries, the socket, and the `maxTimeMS` pymongo sends with each command
    so the server gives up too. It replaces `serverSelectionTimeoutMS` (pymongo waits for a
    server as long as the operation has left), so an unreachable server also takes this long.
    A cursor read with `async for` is bounded per batch; `to_list()` and a GridFS upload as
    a whole. Index builds get their own, longer bound (`ensure_indexes`). `pool_min`:
    connections kept open ahead of a burst (POOL_MIN for a service or the gateway).
    """
    return AsyncMongoClient(
        settings.effective_mongo_url(),
        appname=app_name,
        tz_aware=True,
        timeoutMS=settings.mongo_timeout_ms,
        connectTimeoutMS=3_000,
        minPoolSize=pool_min,
        maxPoolSize=POOL_MAX,
        # Production runs a replica set; `majority` makes an acknowledged write survive a
        # failover. A standalone server (and the embedded stand-in) treats it as `w: 1`.
        w="majority",
        uuidRepresentation="standard",
        event_listeners=[MongoSpans(), *command_log()],
    )


def service_database(
    client: AsyncMongoClient[Document], settings: Settings, service: str
) -> AsyncDatabase[Document]:
    """The database owned by `service`."""
    return client[settings.database_name(service)]


async def ensure_indexes(db: AsyncDatabase[Document], specs: Iterable[IndexSpec]) -> None:
    """Create every declared index (a no-op for those that exist).

    Indexes get no custom names and no partial filters: the embedded stand-in ignores both,
    and code must behave the same on it and on MongoDB. Building a new index on a large
    collection may take minutes, and the server aborts a build that exceeds its `maxTimeMS`:
    index creation is bounded by INDEX_BUILD_TIMEOUT_S, not the client's operation timeout.
    A ping first, under the client's own bound, so an unreachable server fails as soon as
    for any other operation.
    """
    await db.command("ping")
    with pymongo.timeout(INDEX_BUILD_TIMEOUT_S):
        for spec in specs:
            await db[spec.collection].create_index(
                list(spec.keys), unique=spec.unique, **spec.options
            )


async def database_answers(db: AsyncDatabase[Document]) -> bool:
    """Whether the database server answers a ping within PING_TIMEOUT_S."""
    try:
        with pymongo.timeout(PING_TIMEOUT_S):
            await db.command("ping")
    except Exception:
        return False
    return True


class StandaloneRefused(RuntimeError):
    """A deployment outside `local` found a standalone MongoDB server."""


def is_standalone(hello: Document) -> bool:
    """Whether a `hello` answer comes from a standalone server: no replica set, not mongos."""
    return "setName" not in hello and hello.get("msg") != "isdbgrid"


async def refuse_standalone_outside_local(client: AsyncMongoClient[Document],
                                          settings: Settings) -> None:
    """Stop a deployment that would trust `w: majority` on a server that cannot give it.

    A standalone server acknowledges a majority write once it is in its own memory and
    journal: a lost disk loses what was confirmed, and transactions and change streams are
    refused. Only `local` (the embedded stand-in reports standalone) may run on one.
    """
    if settings.deployment_environment == "local":
        return
    if is_standalone(await client.admin.command("hello")):
        raise StandaloneRefused(
            "MongoDB is a standalone server; with DEPLOYMENT_ENVIRONMENT "
            f"{settings.deployment_environment!r} writes use w: majority and need a replica "
            "set (one node will do: mongod --replSet rs0, then rs.initiate()) or a sharded "
            "cluster. Only DEPLOYMENT_ENVIRONMENT=local accepts a standalone server.")


def index_keys(*pairs: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    """Readable helper for IndexSpec keys."""
    return tuple(pairs)


__all__: Sequence[str] = [
    "Document", "IndexSpec", "StandaloneRefused", "database_answers", "ensure_indexes",
    "index_keys", "is_standalone", "make_client", "refuse_standalone_outside_local",
    "service_database",
]
