"""Refusals the rules and handlers make; entrypoints turn them into error replies (or, for the
attendance consumer, into dead letters)."""

from __future__ import annotations

from typing import Any, Literal

from shared.refusal import Refusal as BaseRefusal

RefusalCode = Literal["invalid", "not_found", "conflict", "gone", "forbidden", "unavailable"]
"""`unavailable`: the state kept changing under a handler's retries; asking again may pass."""


class Refusal(BaseRefusal):
    """A request the registration service does not carry out, with the code the caller sees."""

    def __init__(self, code: RefusalCode, message: str,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, details)
        self.code: RefusalCode = code


def field_refusal(field: str, message: str, msg: str | None = None) -> Refusal:
    """An `invalid` refusal naming one field (problem details' `errors`)."""
    return Refusal("invalid", message, {"errors": [{"loc": [field], "msg": msg or message}]})


def no_session(session_id: str) -> Refusal:
    return Refusal("not_found", f"There is no session {session_id!r}.")


def no_registration(registration_id: str) -> Refusal:
    return Refusal("not_found", f"There is no registration {registration_id!r}.")
