"""Documents as the API shows them, and the queries of session lists.

The join URL only when the secretariat asks, or for a confirmed participant's own page.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from services.registration.domain.rules import participant_may_cancel, seats_left
from shared.bus import ServiceError
from shared.contracts.registration import (
    CONFIRMATION_MINUTES,
    ParticipantPage,
    RegistrationView,
    SessionOrder,
    SessionQuery,
    SessionView,
)
from shared.db import Document

Sort = list[tuple[str, int]]
SORTS: dict[SessionOrder, Sort] = {
    "created": [("_id", 1)],
    "starts_at": [("starts_at", 1), ("_id", 1)],
    "starts_at_desc": [("starts_at", -1), ("_id", -1)],
}
"""Every order ends with `_id`, so that sessions starting together still have one order."""
FEED_MAX = 200
"""Sessions in the calendar feed at most (the soonest)."""
SESSION_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def session_view(session: Document, *, include_secret: bool = False) -> SessionView:
    """The API shape of a session."""
    return SessionView(
        id=session["_id"], status=session["status"], title=session["title"],
        summary=session.get("summary", {}), format=session["format"],
        topics=session.get("topics", []), starts_at=session["starts_at"],
        ends_at=session["ends_at"], timezone=session["timezone"],
        languages=session["languages"], interpretation=session.get("interpretation", []),
        capacity=session.get("capacity"),
        seats_left=seats_left(session.get("capacity"), session["confirmed"]),
        confirmed=session["confirmed"], waiting=len(session["waiting"]),
        registration_opens_at=session.get("registration_opens_at"),
        registration_closes_at=session.get("registration_closes_at"),
        speakers=session.get("speakers", []), requires_approval=session["requires_approval"],
        visibility=session["visibility"], country_quotas=session.get("country_quotas", []),
        sequence=session.get("sequence", 0),
        join_url=session.get("join_url") if include_secret else None,
        hold_until_confirmed=session.get("hold_until_confirmed", False),
        confirmation_minutes=session.get("confirmation_minutes", CONFIRMATION_MINUTES),
    )


def starts_within(starts_from: datetime | None, starts_to: datetime | None) -> dict[str, Any]:
    """A `starts_at` range condition (from inclusive, to exclusive); empty if unbounded."""
    starts: dict[str, Any] = {}
    if starts_from is not None:
        starts["$gte"] = starts_from
    if starts_to is not None:
        starts["$lt"] = starts_to
    return starts


def session_filter(query: SessionQuery) -> dict[str, Any]:
    """The MongoDB filter of a session search (values only from validated fields)."""
    found: dict[str, Any] = {}
    if query.published_only:
        found["status"] = "published"
        found["visibility"] = "public"
    if starts := starts_within(query.starts_from, query.starts_to):
        found["starts_at"] = starts
    if query.topic is not None:
        found["topics"] = query.topic
    if query.format is not None:
        found["format"] = query.format
    if query.language is not None:
        found["languages"] = query.language
    return found


def session_search(query: SessionQuery) -> tuple[dict[str, Any], Sort]:
    """The filter and sort of one page of a session list, resuming after `query.after`."""
    found, sort = session_filter(query), SORTS[query.order]
    if query.after is None:
        return found, sort
    if query.order == "created":
        return {**found, "_id": {"$gt": query.after}}, sort
    starts_at, session_id = _position(query.after)
    beyond = "$gt" if query.order == "starts_at" else "$lt"
    # Keyset on (starts_at, _id), both in the list's direction: beyond the position's instant,
    # or at that instant and beyond its id, so sessions starting together are neither repeated
    # nor skipped across pages. MongoDB compares dates to the millisecond, as they are stored.
    # The embedded stand-in compares datetimes in queries to the whole second (though it sorts
    # to the millisecond), so there this is exact only for sessions starting on whole seconds,
    # as they do in practice (whole minutes); it also runs `$or` outside SQL (slower, correct).
    return {**found, "$or": [{"starts_at": {beyond: starts_at}},
                             {"starts_at": starts_at, "_id": {beyond: session_id}}]}, sort


def session_position(session: Document, order: SessionOrder) -> str:
    """Where a page ending with `session` stops: the `after` that resumes behind it."""
    if order == "created":
        return str(session["_id"])
    return f"{session['starts_at'].isoformat()}|{session['_id']}"


def _position(after: str) -> tuple[datetime, str]:
    instant, _, session_id = after.rpartition("|")
    try:
        starts_at: datetime | None = datetime.fromisoformat(instant)
    except ValueError:
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None or not SESSION_ID.fullmatch(session_id):
        raise ServiceError("invalid", "`after` is not a position this service gave out.",
                           {"errors": [{"loc": ["after"], "msg": "malformed position"}]})
    return starts_at, session_id


def feed_search(query: SessionQuery, now: datetime) -> tuple[dict[str, Any], Sort]:
    """Published public sessions matching the query's filters that have not ended, soonest
    first (the paging fields `order` and `after` do not apply)."""
    found = session_filter(query.model_copy(update={"published_only": True}))
    found["ends_at"] = {"$gt": now}
    return found, SORTS["starts_at"]


def participant_page(registration: Document, session: Document,
                     now: datetime) -> ParticipantPage:
    """The registration as its holder sees it; the join URL only while confirmed."""
    confirmed = registration["status"] == "confirmed" and session["status"] == "published"
    return ParticipantPage(
        registration_id=registration["_id"], status=registration["status"],
        waitlist_position=registration.get("waitlist_position"),
        name=registration.get("name"), preferred_language=registration["preferred_language"],
        session=session_view(session), join_url=session.get("join_url") if confirmed else None,
        can_cancel=participant_may_cancel(registration["status"], session, now),
        confirm_by=datetime.fromisoformat(registration["confirm_by"])
        if registration["status"] == "awaiting_confirmation" and registration.get("confirm_by")
        else None)


def registration_view(registration: Document) -> RegistrationView:
    """The secretariat's view of one registration."""
    return RegistrationView(
        id=registration["_id"], session_id=registration["session_id"],
        status=registration["status"], waitlist_position=registration.get("waitlist_position"),
        name=registration.get("name"), email=registration.get("email"),
        country=registration["country"], member_state=registration["member_state"],
        institution=registration.get("institution"), sector=registration["sector"],
        job_title=registration.get("job_title"), gender=registration.get("gender"),
        preferred_language=registration["preferred_language"],
        accessibility_needs=registration.get("accessibility_needs"),
        registered_at=registration["registered_at"],
        promoted=registration.get("promoted_at") is not None,
        attendance_minutes=registration.get("attendance_minutes"),
        attendance=registration.get("attendance"),
    )
