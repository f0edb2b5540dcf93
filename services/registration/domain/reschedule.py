"""Who a reschedule would tell, counted before anything moves (the secretariat's preview).

Notify mails a move, with a calendar update, to the people who hold a seat (its audience:
confirmed and promoted registrations); the others still waiting or pending read the new times
on their page. A draft has nobody to tell, nor a session that is not moved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from services.registration.domain.errors import field_refusal
from shared.contracts.registration.desk import ReschedulePreview

TOLD_OF_A_MOVE = frozenset({"confirmed"})
"""The registrations notify mails a reschedule to (they hold a seat)."""


def times_are_in_order(starts_at: datetime, ends_at: datetime) -> bool:
    """A session ends after it starts."""
    return ends_at > starts_at


def session_moves(session: Mapping[str, Any], starts_at: datetime, ends_at: datetime) -> bool:
    """Whether these times differ from the session's (only a move is mailed)."""
    return bool(session["starts_at"] != starts_at or session["ends_at"] != ends_at)


def is_told_of_a_move(session: Mapping[str, Any], status: str) -> bool:
    """Whether a registration of this status is mailed when the session moves."""
    return session["status"] == "published" and status in TOLD_OF_A_MOVE


def reschedule_preview(session: Mapping[str, Any], registrations: Iterable[Mapping[str, Any]],
                       starts_at: datetime, ends_at: datetime) -> ReschedulePreview:
    """The counts of who would be told of a move to these times (refused if they are out of
    order); `registrations`: the session's active ones."""
    if not times_are_in_order(starts_at, ends_at):
        raise field_refusal("ends_at", "The session must end after it starts.")
    moves = session_moves(session, starts_at, ends_at)
    told: Counter[str] = Counter()
    not_told: Counter[str] = Counter()
    for registration in registrations:
        if moves and is_told_of_a_move(session, registration["status"]):
            told[registration["preferred_language"]] += 1
        else:
            not_told[registration["status"]] += 1
    return ReschedulePreview.model_validate({
        "session_id": session["_id"], "moves": moves,
        "previous_starts_at": session["starts_at"], "previous_ends_at": session["ends_at"],
        "told": sum(told.values()), "told_by_language": dict(told),
        "not_told_by_status": dict(not_told)})
