"""Refusals the rules make; entrypoints turn them into error replies or dead letters."""

from __future__ import annotations

from typing import Any, Literal

from shared.refusal import Refusal as BaseRefusal

RefusalCode = Literal["invalid", "not_found", "conflict", "gone", "too_large"]


class Refusal(BaseRefusal):
    """A request the catalog's rules do not allow."""

    def __init__(self, code: RefusalCode, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details)
        self.code: RefusalCode = code
