"""Reading a session's seat ledger: the place it gives a registration, and whether a seat may
be free. The writes that change it are store/ledger.py's, each one guarded conditional update."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from services.registration.domain.rules import seat_claim_for

Placement = tuple[Literal["confirmed", "waitlisted"], int | None]
"""A seat, or the waiting list at a rank."""


def place_held(session: Mapping[str, Any], reg_id: str) -> Placement | None:
    """The place the ledger already gives this registration (none known in a summary): a
    seat, or the waiting list at its rank now."""
    if reg_id in session.get("seats", ()):
        return "confirmed", None
    if reg_id in session.get("waiting", ()):
        # Recovered after a crash: the rank now (the original number was lost with it).
        rank = session["waiting"].index(reg_id) + 1 + session.get("promoted", 0)
        return "waitlisted", rank
    return None


def may_have_a_seat(session: Mapping[str, Any], now: datetime) -> bool:
    """Whether anyone at all could get a seat (saves reading the first waiter when full)."""
    if session.get("country_quotas"):
        return True  # depends on the waiter's country
    return seat_claim_for(session.get("capacity"), session["confirmed"], {}, [], "", now) \
        is not None


def holds_a_seat(session: Mapping[str, Any], reg_id: str) -> bool:
    """Whether the ledger seats this registration (read whole, not as a summary)."""
    return reg_id in session["seats"]
