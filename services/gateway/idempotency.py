"""`Idempotency-Key` on POST: a retried request gets the first answer, not a second thing.

A client that timed out may send the same POST again with the same key; the gateway answers
what it answered the first time (`Idempotent-Replayed: true`) instead of creating a second
session or document. Only 2xx answers are kept, for 24 hours; anything else can be retried.

- Scope: a hash of the credential presented (never the key id, which is not secret), so
  nobody else can fetch a stored answer. The public have no credential: their records are
  scoped by client address *and* body, so two people behind one NAT who pick the same key
  make two requests, not a 422; only the very same body from the same address is answered
  again, and that caller already knows everything the request said.
- Secrets are never stored: an answer that shows one once (a new API key) leaves a marker,
  and a retry gets 409 rather than the key or a second key.
- The body is read here, within the route's own limit (uploads allow more than the default).
- A pending record has a lease (RPC timeout plus a margin): a gateway that died mid-request
  blocks retries that long, not a day; then a retry takes the record over.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send
from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.db import IndexSpec

COLLECTION = "idempotency"
KEEP_FOR = timedelta(hours=24)
LEASE_MARGIN = 30.0
"""Seconds added to the RPC timeout for a pending record's lease (uploads make many calls)."""
HEADER = b"idempotency-key"
REPLAYED_HEADERS = (b"content-type", b"location")
NOT_REPLAYED = frozenset({"/v1/keys"})
"""Routes whose answer holds a secret shown once: never stored, never replayed."""
INDEXES = [IndexSpec(COLLECTION, (("expires_at", 1),), options={"expireAfterSeconds": 0})]


class Refused(Exception):
    """An answer given instead of running the route."""

    def __init__(self, status: int, detail: str, retry: bool = False) -> None:
        super().__init__(detail)
        self.status, self.detail, self.retry = status, detail, retry


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == name), None)


def record_id(scope: Scope, key: bytes, fingerprint: str) -> str:
    """Where the record of this key lives, scoped to the caller (see the module docstring)."""
    credential = _header(scope, b"authorization") or _header(scope, b"x-api-key")
    if credential is None:
        client = scope.get("client") or ("", 0)
        credential = f"client:{client[0]}|body:{fingerprint}".encode()
    owner = hashlib.sha256(credential).hexdigest()
    return hashlib.sha256(b"|".join([owner.encode(), scope["path"].encode(), key])).hexdigest()


def _now_ms() -> int:
    # Leases are compared as integers: the MongoDB stand-in compares datetimes only to the second.
    return int(time.time() * 1000)


async def _respond(send: Send, status: int, headers: Sequence[tuple[bytes, bytes]],
                   body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _problem(send: Send, refused: Refused) -> None:
    body = json.dumps({"type": "about:blank", "title": HTTPStatus(refused.status).phrase,
                       "status": refused.status, "detail": refused.detail}).encode()
    retry = [(b"retry-after", b"1")] if refused.retry else []
    await _respond(send, refused.status,
                   [(b"content-type", b"application/problem+json"), *retry], body)


async def _read_body(scope: Scope, receive: Receive) -> bytes | None:
    """The whole body, within the route's own limit; None if the client went away."""
    limit = cast(HTTPRouteHandler, scope["route_handler"]).resolve_request_max_body_size()
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if limit is not None and size > limit:
            raise Refused(413, f"The request body may be at most {limit} bytes.")
        if not message.get("more_body", False):
            return b"".join(chunks)


class Idempotency(ASGIMiddleware):
    """Stores the first 2xx answer to a keyed POST and replays it to the same caller."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass through unless this is a POST carrying an Idempotency-Key."""
        key = _header(scope, HEADER)
        if scope.get("method") != "POST" or key is None:
            await next_app(scope, receive, send)
            return
        try:
            if not 1 <= len(key) <= 200:
                raise Refused(400, "Idempotency-Key must be 1 to 200 characters long.")
            body = await _read_body(scope, receive)
            if body is None:
                return  # the client went away before it finished sending
            gateway = scope["app"].state.gateway
            fingerprint = hashlib.sha256(body).hexdigest()
            held = Held(gateway.db[COLLECTION], record_id(scope, key, fingerprint),
                        gateway.options.rpc_timeout + LEASE_MARGIN)
            answer = await held.claim(fingerprint)
        except Refused as refused:
            await _problem(send, refused)
            return
        except PyMongoError:
            await _problem(send, Refused(503, "The gateway's database is away.", retry=True))
            return
        if answer is not None:
            headers = [(k.encode(), v.encode()) for k, v in answer["headers"]]
            await _respond(send, answer["status"], [*headers, (b"idempotent-replayed", b"true")],
                           base64.b64decode(answer["body"]))
            return
        await self._first_answer(scope, body, held, next_app, send)

    async def _first_answer(self, scope: Scope, body: bytes, held: Held, next_app: ASGIApp,
                            send: Send) -> None:
        """Run the route on the buffered body, keeping its answer as it goes out."""
        answered: dict[str, Any] = {"body": []}
        replayed = False

        async def replay_body() -> ReceiveMessage:
            nonlocal replayed
            if replayed:
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
                answered["headers"] = [(k.decode(), v.decode())
                                       for k, v in message.get("headers", [])
                                       if k.lower() in REPLAYED_HEADERS]
            elif message["type"] == "http.response.body":
                answered["body"].append(message.get("body", b""))
            await send(message)

        try:
            await next_app(scope, replay_body, keep)
        finally:
            status = answered.get("status", 500)
            if not 200 <= status < 300:
                await held.release()
            elif scope.get("path_template") in NOT_REPLAYED:
                await held.done({"status": status, "secret": True})
            else:
                await held.done({"status": status, "headers": answered["headers"],
                                 "body": base64.b64encode(b"".join(answered["body"])).decode()})


class Held:
    """One idempotency record, as held by this attempt (`attempt` tells attempts apart)."""

    def __init__(self, collection: Any, record_id: str, lease_seconds: float) -> None:
        self.collection, self.id, self.lease_ms = collection, record_id, int(lease_seconds * 1000)
        self.attempt = secrets.token_hex(8)

    async def claim(self, fingerprint: str) -> dict[str, Any] | None:
        """None if this attempt now holds the record and must act; else the stored answer.

        Raises Refused when the key is in use, was used for another body, or is a secret's.
        """
        pending = {"fingerprint": fingerprint, "state": "pending", "attempt": self.attempt,
                   "lease_ms": _now_ms() + self.lease_ms,
                   "expires_at": datetime.now(UTC) + KEEP_FOR}
        try:
            await self.collection.insert_one({"_id": self.id, **pending})
            return None
        except DuplicateKeyError:
            record = await self.collection.find_one({"_id": self.id})
        if record is None:  # the first attempt failed and let go meanwhile
            raise Refused(409, "Retry the request.", retry=True)
        if record["fingerprint"] != fingerprint:
            raise Refused(422, "This Idempotency-Key was used for a different request.")
        if record["state"] == "pending":
            if record.get("lease_ms", 0) < _now_ms():  # the first attempt's gateway is gone
                taken = await self.collection.update_one(
                    {"_id": self.id, "state": "pending", "attempt": record.get("attempt")},
                    {"$set": pending})
                if taken.modified_count:
                    return None
            raise Refused(409, "A request with this Idempotency-Key is still being processed.",
                          retry=True)
        if record.get("secret"):
            raise Refused(409, "This request was carried out, and its answer held a secret "
                          "shown only once: it is not replayed. List the keys to find it.")
        return dict(record)

    async def done(self, answer: dict[str, Any]) -> None:
        """Keep the answer, unless another attempt took the record over meanwhile."""
        await self.collection.update_one({"_id": self.id, "attempt": self.attempt},
                                         {"$set": {"state": "done", **answer}})

    async def release(self) -> None:
        """Let go after a failure, so that a retry runs the request again."""
        await self.collection.delete_one({"_id": self.id, "attempt": self.attempt})
