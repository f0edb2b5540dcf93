"""Typed request/reply between the gateway and the services (core NATS, `rpc.<service>.<action>`).

A reply is always sent, success or not: `{"ok": true, "data": ...}` or
`{"ok": false, "error": {"code": ..., "message": ...}}`. A handler that raised would send
nothing and leave the caller waiting for its whole timeout, so responders never raise.

Every request carries `Dialogues-Deadline` (DEADLINE_HEADER): the last instant, in epoch
milliseconds, at which the responder may still start the work. A caller stops waiting at its
timeout; work started after that would be done for nobody (a person told "error" and then
mailed "confirmed"), so a responder that picks a request up later answers `unavailable`
("deadline passed") and does nothing. The deadline is half the caller's timeout after the send
(`start_by`): the other half is for the work and the reply, and absorbs the clock difference
between the caller's host and the responder's (see shared.bus).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


DEADLINE_HEADER = "Dialogues-Deadline"
"""Epoch milliseconds after which the responder must not start the work."""
START_SHARE = 0.5
"""Share of the caller's timeout within which the responder must start the work."""


def start_by(sent_at: float, timeout: float) -> int:
    """The deadline to send with a request sent at `sent_at` (epoch seconds), in epoch ms."""
    return round((sent_at + timeout * START_SHARE) * 1000)


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


def reject_operator_keys(value: Any, path: str = "") -> None:
    """ValueError for a key shaped like a MongoDB operator (`$...`) or path (`a.b`) anywhere."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and (key.startswith("$") or "." in key):
                raise ValueError(f"key {key!r} at {path or 'top level'} is not allowed")
            reject_operator_keys(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            reject_operator_keys(inner, f"{path}[{index}]")


class Request(BaseModel):
    """Base of every RPC request (`shared.bus.RpcRoutes` accepts no other): unknown keys and
    keys shaped like a MongoDB operator or path are refused anywhere in it, so nothing of the
    kind can reach a query even by mistake."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_operator_keys(cls, data: Any) -> Any:
        reject_operator_keys(data)
        return data


class Ping(Request):
    """`rpc.<service>.ping`: is the service up and connected?"""

    model_config = ConfigDict(extra="forbid")


class Pong(BaseModel):
    """The answer to a ping."""

    service: str
    version: str
    instance: str = Field(description="Which replica answered.")
    database: bool = Field(description="Whether the service's database answered its own ping.")

