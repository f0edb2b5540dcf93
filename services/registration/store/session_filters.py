"""The MongoDB filters and sorts of session lists: the secretariat's and the public pages, the
calendar feed, and the sessions the statistics count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain.sessions import position_of
from shared.contracts.registration.rpc import FeedQuery, SessionOrder, SessionQuery

Sort = list[tuple[str, int]]
SORTS: dict[SessionOrder, Sort] = {
    "created": [("_id", 1)],
    "starts_at": [("starts_at", 1), ("_id", 1)],
    "starts_at_desc": [("starts_at", -1), ("_id", -1)],
}
"""Every order ends with `_id`, so that sessions starting together still have one order."""


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
    found.update(desk_filter(query))
    return found


def desk_filter(query: SessionQuery) -> dict[str, Any]:
    """The secretariat's conditions: a status (`past`: ended before `ended_before`, which the
    service sets to the time of the request) and the system that announced the session."""
    found: dict[str, Any] = {}
    if query.status in ("draft", "published", "cancelled"):
        found["status"] = query.status
    elif query.status == "invite_only":
        found["visibility"] = "invite_only"
    elif query.status == "past" and query.ended_before is not None:
        found["ends_at"] = {"$lt": query.ended_before}
    if query.source is not None:
        found["provenance.source"] = query.source
    return found


def session_search(query: SessionQuery) -> tuple[dict[str, Any], Sort]:
    """The filter and sort of one page of a session list, resuming after `query.after`."""
    found, sort = session_filter(query), SORTS[query.order]
    if query.after is None:
        return found, sort
    if query.order == "created":
        return {**found, "_id": {"$gt": query.after}}, sort
    starts_at, session_id = position_of(query.after)
    beyond = "$gt" if query.order == "starts_at" else "$lt"
    # Keyset on (starts_at, _id), both in the list's direction: beyond the position's instant,
    # or at that instant and beyond its id, so sessions starting together are neither repeated
    # nor skipped across pages. MongoDB compares dates to the millisecond, as they are stored.
    # The embedded stand-in compares datetimes in queries to the whole second (though it sorts
    # to the millisecond), so there this is exact only for sessions starting on whole seconds,
    # as they do in practice (whole minutes); it also runs `$or` outside SQL (slower, correct).
    return {**found, "$or": [{"starts_at": {beyond: starts_at}},
                             {"starts_at": starts_at, "_id": {beyond: session_id}}]}, sort


def feed_search(query: FeedQuery, now: datetime) -> tuple[dict[str, Any], Sort]:
    """Published public sessions matching the query's filters that have not ended, soonest
    first (the paging fields `order` and `after` do not apply). Any of the topics matches; a
    language matches sessions held in it or interpreted into it."""
    found = session_filter(query.model_copy(update={"published_only": True, "topic": None,
                                                    "language": None}))
    topics = sorted({*query.topics, *([query.topic] if query.topic else [])})
    if topics:
        found["topics"] = {"$in": topics}
    if query.language is not None:
        found["$or"] = [{"languages": query.language}, {"interpretation": query.language}]
    found["ends_at"] = {"$gt": now}
    return found, SORTS["starts_at"]


def held_search(now: datetime, session_id: str | None, starts_from: datetime | None,
                starts_to: datetime | None) -> dict[str, Any]:
    """Published sessions that ended before `now`, maybe one, maybe starting in a range."""
    held: dict[str, Any] = {"status": "published", "ends_at": {"$lt": now}}
    if session_id is not None:
        held["_id"] = session_id
    if starts := starts_within(starts_from, starts_to):
        held["starts_at"] = starts
    return held
