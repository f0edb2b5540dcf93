"""How search plugs into the catalog process: its routers, start hook and background loops."""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any

from faststream.nats import NatsRouter

from shared.db import IndexSpec
from shared.service import Runtime

SEARCH_INDEXES: Sequence[IndexSpec] = ()


def search_routers(runtime: Runtime) -> list[NatsRouter]:
    """RPC responders (`rpc.catalog.search`, OAI-PMH) and the index's event subscribers."""
    return []


async def rebuild_search_index(runtime: Runtime) -> None:
    """Build the index from MongoDB before the process serves."""


def search_background(runtime: Runtime) -> Sequence[Coroutine[Any, Any, None]]:
    """Loops the search side keeps running (none yet)."""
    return ()
