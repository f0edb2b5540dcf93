"""MongoDB access: one client per process, one database per service, indexes declared in code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo_spans import MongoSpans
from shared.settings import Settings

Document = dict[str, Any]


@dataclass(frozen=True)
class IndexSpec:
    """One index of one collection, e.g. `IndexSpec("sessions", (("starts_at", 1),))`."""

    collection: str
    keys: tuple[tuple[str, int], ...]
    unique: bool = False
    options: dict[str, Any] = field(default_factory=dict)


def make_client(settings: Settings, *, app_name: str) -> AsyncMongoClient[Document]:
    """A client that fails fast when the server is gone instead of hanging a request."""
    return AsyncMongoClient(
        settings.effective_mongo_url(),
        appname=app_name,
        tz_aware=True,
        serverSelectionTimeoutMS=3_000,
        connectTimeoutMS=3_000,
        # Production runs a replica set; `majority` makes an acknowledged write survive a
        # failover. A standalone server (and the embedded stand-in) treats it as `w: 1`.
        w="majority",
        uuidRepresentation="standard",
        event_listeners=[MongoSpans()],
    )


def service_database(
    client: AsyncMongoClient[Document], settings: Settings, service: str
) -> AsyncDatabase[Document]:
    """The database owned by `service`."""
    return client[settings.database_name(service)]


async def ensure_indexes(db: AsyncDatabase[Document], specs: Iterable[IndexSpec]) -> None:
    """Create every declared index (a no-op for those that exist).

    Indexes get no custom names and no partial filters: the embedded stand-in ignores both,
    and code must behave the same on it and on MongoDB.
    """
    for spec in specs:
        await db[spec.collection].create_index(
            list(spec.keys), unique=spec.unique, **spec.options
        )


async def database_answers(db: AsyncDatabase[Document]) -> bool:
    """Whether the database server answers a ping."""
    try:
        await db.command("ping")
    except Exception:
        return False
    return True


def index_keys(*pairs: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    """Readable helper for IndexSpec keys."""
    return tuple(pairs)


__all__: Sequence[str] = [
    "Document", "IndexSpec", "database_answers", "ensure_indexes", "index_keys",
    "make_client", "service_database",
]
