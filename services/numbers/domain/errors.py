"""Refusals the numbers service answers with."""

from __future__ import annotations

from typing import Literal

from shared.refusal import Refusal as BaseRefusal

RefusalCode = Literal["invalid", "not_found"]


class Refused(BaseRefusal):
    """A request the rules do not carry out, with the code the caller sees."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(code, message)
        self.code: RefusalCode = code
