"""The audit log: who did what, when, and how it ended, for every staff or machine action.

Recorded once, generically, by a middleware around every route (not per route), for each
request that may change something (POST, PUT, PATCH, DELETE) under `/v1` or `/staff` and was
made by someone known: an API key or a signed-in staff account. It keeps the route template
and the ids in the path, never a body, a query string, an address or a name, so the log holds
no personal data of participants. Records are only ever inserted (append-only); the API and
the admin page read them newest first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from pymongo.asynchronous.database import AsyncDatabase

from shared.db import Document, IndexSpec
from shared.ids import new_id

log = logging.getLogger(__name__)
COLLECTION: Final = "audit_log"
CHANGING: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
AUDITED_PREFIXES: Final = ("/v1/", "/staff")
SECRET_PARAMS: Final = frozenset({"token", "key"})
"""Path parameters never recorded (a mailed token in a path is a credential)."""
ACTOR_STATE: Final = "audit_actor"
"""The scope-state key where guards leave who is acting (see `Actor`)."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff account or an API key, with the role it acted in."""

    kind: str
    """`account` or `key`."""
    id: str
    role: str


@dataclass(frozen=True)
class AuditRecord:
    """One recorded action."""

    id: str
    at: datetime
    actor: Actor
    method: str
    route: str
    ids: dict[str, str]
    status: int


def is_audited(method: str, path: str) -> bool:
    """Whether a request is an action to record (by its method and path)."""
    return method in CHANGING and path.startswith(AUDITED_PREFIXES)


def ids_of(path_params: dict[str, Any]) -> dict[str, str]:
    """The ids in a request's path, secrets left out."""
    return {name: str(value)[:200] for name, value in path_params.items()
            if name not in SECRET_PARAMS}


def actor_of(state: dict[str, Any]) -> Actor | None:
    """Who made the request, as its guards found out (None: no one known)."""
    actor = state.get(ACTOR_STATE)
    if isinstance(actor, Actor):
        return actor
    key = state.get("api_key")  # left by services.gateway.auth.authenticate
    if key is not None and hasattr(key, "id") and hasattr(key, "role"):
        return Actor("key", key.id, key.role)
    return None


def _record(doc: Document) -> AuditRecord:
    actor = doc["actor"]
    return AuditRecord(id=doc["_id"], at=doc["at"], actor=Actor(**actor),
                       method=doc["method"], route=doc["route"], ids=doc.get("ids", {}),
                       status=doc["status"])


class AuditLog:
    """The `audit_log` collection: insert and read, nothing else."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Records are read newest first by `_id` (time-ordered), or by actor."""
        return [IndexSpec(COLLECTION, (("actor.id", 1),))]

    async def add(self, actor: Actor, method: str, route: str, ids: dict[str, str],
                  status: int, now: datetime) -> None:
        """Append one record."""
        await self.collection.insert_one({
            "_id": new_id(now), "at": now, "actor": actor.__dict__, "method": method,
            "route": route, "ids": ids, "status": status})

    async def page(self, limit: int, before: str | None = None
                   ) -> tuple[list[AuditRecord], str | None]:
        """Up to `limit` records, newest first, older than id `before`; and the next one."""
        query: dict[str, Any] = {} if before is None else {"_id": {"$lt": before}}
        docs = await self.collection.find(query).sort("_id", -1).limit(limit + 1).to_list()
        items = [_record(doc) for doc in docs[:limit]]
        return items, items[-1].id if len(docs) > limit else None


class Audit(ASGIMiddleware):
    """Records each audited request after its answer has gone out (see the module docstring).

    A failure to record is logged and does not change the answer the caller already has."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass the request on, note the answer's status, then record it."""
        method = str(scope.get("method", ""))
        if not is_audited(method, scope["path"]):
            await next_app(scope, receive, send)
            return
        status = 500

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await next_app(scope, receive, noting_status)
        finally:
            await _write(scope, method, status)


async def _write(scope: Scope, method: str, status: int) -> None:
    actor = actor_of(scope.get("state") or {})
    gateway = getattr(scope["app"].state, "gateway", None)
    if actor is None or gateway is None:
        return
    try:
        await AuditLog(gateway.db).add(
            actor, method, scope.get("path_template") or scope["path"],
            ids_of(dict(scope.get("path_params") or {})), status, datetime.now(UTC))
    except Exception as error:  # the database away: the action stands, the record is lost
        log.warning("audit record lost", extra={"error": type(error).__name__,
                                                "route": scope.get("path_template")})
