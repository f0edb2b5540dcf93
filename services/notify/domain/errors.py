"""Refusals notify's rules make; the entrypoints turn them into typed error replies."""

from __future__ import annotations

from typing import Literal

RefusalCode = Literal["not_found", "conflict", "gone", "forbidden"]


class Refusal(Exception):
    """A request notify does not carry out, with the code the caller sees."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code: RefusalCode = code
        self.message = message
