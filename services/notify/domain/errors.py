"""Refusals notify's rules make; the entrypoints turn them into typed error replies."""

from __future__ import annotations

from typing import Literal

from shared.refusal import Refusal as BaseRefusal

RefusalCode = Literal["not_found", "conflict", "gone", "forbidden"]


class Refusal(BaseRefusal):
    """A request notify does not carry out, with the code the caller sees."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(code, message)
        self.code: RefusalCode = code
