"""What other systems announce to registration on `ingest.registration.<source>.*` (the
attendance list, older and source-less, is `AttendanceReport` in events.py).

A session or an event announced here arrives as a draft for the secretariat to review; it is never
published by its announcement. The source travels in the subject, where the NATS server
checks the sender's permissions, and again in the body; registration refuses an event whose
two disagree (as the catalog does for portals' documents).
"""

from __future__ import annotations

from pydantic import Field

from shared.contracts.catalog.events import SOURCE_PATTERN
from shared.contracts.events import SourcedEvent
from shared.contracts.registration.gatherings import GatheringFields
from shared.contracts.registration.rpc import SessionFields


class AnnouncedSession(SourcedEvent):
    """`ingest.registration.<source>.session.v1`: a session another system plans (a webinar
    platform, a member agency's calendar), with the same fields the secretariat enters.

    Announcing again with the same `external_id` updates the draft, as long as the
    secretariat has neither edited nor published it; after that, the secretariat's version
    stands and the announcement is ignored."""

    stem = "ingest.registration.session"  # the subject has the source between its words
    source: str = Field(pattern=SOURCE_PATTERN)
    external_id: str = Field(min_length=1, max_length=200)
    fields: SessionFields


class AnnouncedEvent(SourcedEvent):
    """`ingest.registration.<source>.event.v1`: an event (a seminar over several days, a
    series) another system plans, with the fields the secretariat enters on `/v1/events`.
    Its parts are sessions announced apart, naming it in `event_id`: the id registration
    gives it is `announced_event_id(source, external_id)`, known to the sender beforehand
    (`services/registration/domain/announcements.py`). A repeat updates the draft as for
    sessions."""

    stem = "ingest.registration.event"
    source: str = Field(pattern=SOURCE_PATTERN)
    external_id: str = Field(min_length=1, max_length=200)
    fields: GatheringFields


ANNOUNCEMENTS = "ingest.registration.*.*.v1"
"""Every announcement of every source, sessions and events, read by one consumer. A part
that arrives before its event is retried until the event is there (`unavailable`)."""
