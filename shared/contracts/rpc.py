"""Typed request/reply between the gateway and the services (core NATS, `rpc.<service>.<action>`).

A reply is always sent, success or not: `{"ok": true, "data": ...}` or
`{"ok": false, "error": {"code": ..., "message": ...}}`. A handler that raised would send
nothing and leave the caller waiting for its whole timeout, so responders never raise.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ErrorCode = Literal[
    "invalid",  # the request does not fit the contract or a rule (HTTP 422)
    "not_found",  # (404)
    "conflict",  # the state does not allow it (409)
    "gone",  # it existed and was withdrawn (410)
    "forbidden",  # the caller may not do this (403)
    "too_large",  # (413)
    "unavailable",  # a dependency did not answer; try again (503)
    "internal",  # a bug; the message says nothing more (500)
]


def rpc_subject(service: str, action: str) -> str:
    """The subject a service answers `action` on."""
    return f"rpc.{service}.{action}"


class RpcError(BaseModel):
    """Why a request failed; `message` is safe to show to the caller."""

    code: ErrorCode
    message: str
    details: dict[str, Any] | None = None


class RpcReply(BaseModel):
    """The envelope of every reply."""

    ok: bool
    data: Any = None
    error: RpcError | None = None


class RpcFailure(Exception):
    """Raised on the caller's side when the reply is an error or none came."""

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None):
        super().__init__(f"{code}: {message}")
        self.code: ErrorCode = code
        self.message = message
        self.details = details


class Ping(BaseModel):
    """`rpc.<service>.ping`: is the service up and connected?"""

    model_config = ConfigDict(extra="forbid")


class Pong(BaseModel):
    """The answer to a ping."""

    service: str
    version: str
    instance: str = Field(description="Which replica answered.")
    database: bool = Field(description="Whether the service's database answered its own ping.")
