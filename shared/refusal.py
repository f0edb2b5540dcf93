"""The base of every service's refusals: a request its rules do not carry out.

Each service's `domain/errors.py` narrows the codes it may use; the domain raises them without
knowing about the bus. `shared.bus.RpcRoutes` answers one as an error reply with its code (as
for a `ServiceError`), and `shared.consumer` dead-letters an event refused with a permanent
code and retries one refused with a temporary code (`conflict`, `unavailable`).
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A refusal with the code the caller sees, a message for people and optional details."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
