"""Refusals the domain raises; entrypoints turn them into RPC error codes."""

from __future__ import annotations

from typing import Any, Literal

from shared.refusal import Refusal as BaseRefusal

RefusalCode = Literal["invalid", "not_found", "conflict", "forbidden", "gone"]


class Refused(BaseRefusal):
    """An action the rules do not allow, with the code the caller sees."""

    def __init__(self, code: RefusalCode, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details)
        self.code: RefusalCode = code
