"""Rules of the secretariat's mail about a session: who a message reaches, how its recipients
are split into events, and which sessions may be messaged or announced.

Pure: the handler loads the session and the registrations, these decide, the store saves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from services.registration.domain.errors import Refusal

Item = TypeVar("Item")


def message_key(message_id: str) -> str:
    """The record of a message: its stable id, so the same request twice is one record."""
    return f"message:{message_id}"


def announcement_key(session_id: str) -> str:
    """The record of a session's announcement: one per session, ever."""
    return f"announcement:{session_id}"


def reachable(registration: dict[str, Any]) -> bool:
    """A registration still holding an address (anonymized ones have none left)."""
    return bool(registration.get("email"))


def batches(items: Sequence[Item], size: int) -> list[list[Item]]:
    """`items` in consecutive groups of at most `size` (none for no items)."""
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


def counts_by_status(registrations: Sequence[dict[str, Any]]) -> dict[str, int]:
    """How many registrations of each status."""
    return dict(Counter(str(r["status"]) for r in registrations))


def refuse_unless_messageable(session: dict[str, Any]) -> None:
    """A draft has nobody to write to: only a published or cancelled session's people."""
    if session["status"] == "draft":
        raise Refusal("conflict", "A draft session has no registrants to write to.")


def refuse_unless_announceable(session: dict[str, Any], now: datetime) -> None:
    """Only a published, public session that has not ended is announced to subscribers:
    an invite-only one is not for the public, a past one is no news."""
    if session["status"] != "published":
        raise Refusal("conflict", f"Only a published session is announced; this one is "
                                  f"{session['status']}.")
    if session.get("visibility", "public") != "public":
        raise Refusal("conflict", "An invite-only session is not announced to subscribers.")
    if session["ends_at"] <= now:
        raise Refusal("conflict", "The session is over: there is nothing to announce.")
