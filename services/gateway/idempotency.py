"""`Idempotency-Key` on POST: a retried request gets the first answer, not a second thing.

A client that timed out may send the same POST again with the same `Idempotency-Key`; the
gateway then answers what it answered the first time (with `Idempotent-Replayed: true`)
instead of creating a second session or document. The key is scoped to the caller: a hash of
the credential presented (or, on public routes, of the client address), never the key id,
which is not secret, so nobody else can fetch a stored answer. Only successful (2xx) answers
are kept, for 24 hours; anything else can simply be retried.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)
from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.db import IndexSpec

COLLECTION = "idempotency"
KEEP_FOR = timedelta(hours=24)
HEADER = b"idempotency-key"
REPLAYED_HEADERS = (b"content-type", b"location")
INDEXES = [IndexSpec(COLLECTION, (("expires_at", 1),), options={"expireAfterSeconds": 0})]


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope["headers"] if key == name), None)


def _owner(scope: Scope) -> str:
    credential = _header(scope, b"authorization") or _header(scope, b"x-api-key")
    if credential is None:
        client = scope.get("client") or ("", 0)
        credential = f"client:{client[0]}".encode()
    return hashlib.sha256(credential).hexdigest()


async def _respond(send: Send, status: int, headers: Sequence[tuple[bytes, bytes]],
                   body: bytes) -> None:
    start: HTTPResponseStartEvent = {
        "type": "http.response.start", "status": status,
        "headers": [*headers, (b"content-length", str(len(body)).encode())]}
    await send(start)
    chunk: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body,
                                    "more_body": False}
    await send(chunk)


async def _problem(send: Send, status: int, title: str, detail: str,
                   extra_headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail}).encode()
    await _respond(send, status, [(b"content-type", b"application/problem+json"),
                                  *extra_headers], body)


class Idempotency(ASGIMiddleware):
    """Stores the first 2xx answer to a keyed POST and replays it to the same caller."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Pass through unless this is a POST carrying an Idempotency-Key."""
        key = _header(scope, HEADER)
        if scope.get("method") != "POST" or key is None:
            await next_app(scope, receive, send)
            return
        if not 1 <= len(key) <= 200:
            await _problem(send, 400, "Bad Request",
                           "Idempotency-Key must be 1 to 200 characters long.")
            return
        # The body decides whether a reuse of the key is the same request, so it is read
        # here, before the route would apply the body limit: apply it while reading.
        limit = scope["app"].state.gateway.settings.request_max_body_size
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before it finished sending
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _problem(send, 413, "Request Entity Too Large",
                               f"The request body may be at most {limit} bytes.")
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        collection = scope["app"].state.gateway.db[COLLECTION]
        record_id = hashlib.sha256(
            b"|".join([_owner(scope).encode(), scope["path"].encode(), key])).hexdigest()
        fingerprint = hashlib.sha256(body).hexdigest()
        now = datetime.now(UTC)
        try:
            await collection.insert_one({"_id": record_id, "fingerprint": fingerprint,
                                         "state": "pending", "expires_at": now + KEEP_FOR})
        except DuplicateKeyError:
            await self._answer_again(collection, record_id, fingerprint, send)
            return
        except PyMongoError:
            await _problem(send, 503, "Service Unavailable", "The gateway's database is away.")
            return
        await self._first_answer(scope, body, collection, record_id, next_app, send)

    async def _answer_again(self, collection: Any, record_id: str, fingerprint: str,
                            send: Send) -> None:
        record = await collection.find_one({"_id": record_id})
        if record is None:  # it was dropped meanwhile (the first attempt failed): retry
            await _problem(send, 409, "Conflict", "Retry the request.",
                           [(b"retry-after", b"1")])
        elif record["fingerprint"] != fingerprint:
            await _problem(send, 422, "Unprocessable Content",
                           "This Idempotency-Key was used for a different request.")
        elif record["state"] == "pending":
            await _problem(send, 409, "Conflict",
                           "A request with this Idempotency-Key is still being processed.",
                           [(b"retry-after", b"1")])
        else:
            headers = [(k.encode(), v.encode()) for k, v in record["headers"]]
            await _respond(send, record["status"],
                           [*headers, (b"idempotent-replayed", b"true")],
                           base64.b64decode(record["body"]))

    async def _first_answer(self, scope: Scope, body: bytes, collection: Any, record_id: str,
                            next_app: ASGIApp, send: Send) -> None:
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
            if 200 <= status < 300:
                await collection.update_one({"_id": record_id}, {"$set": {
                    "state": "done", "status": status, "headers": answered["headers"],
                    "body": base64.b64encode(b"".join(answered["body"])).decode()}})
            else:
                await collection.delete_one({"_id": record_id})
