"""Sessions and events other systems announce (`ingest.registration.<source>.session.v1`,
`.event.v1`): drafts for the secretariat, never published by the announcement.

A draft remembers where it came from (`provenance`) and the `rev` it had when the announcement
last wrote it. The secretariat's edit or publication bumps `rev`, and from then on its version
stands: a repeated announcement no longer overwrites it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain import Document


def announced_id(source: str, external_id: str) -> str:
    """The session id of an announcement: the same for every repeat of it, and unlike any id
    the secretariat's sessions get (those are time-ordered ids, `shared.ids`)."""
    return f"ann-{_digest(source, external_id)}"


def announced_event_id(source: str, external_id: str) -> str:
    """The event id of an announcement; its parts name it in `event_id`."""
    return f"anv-{_digest(source, external_id)}"


def _digest(source: str, external_id: str) -> str:
    # A source has no newline (SOURCE_PATTERN), so the pair is read back one way only.
    return hashlib.sha256(f"{source}\n{external_id}".encode()).hexdigest()[:32]


def provenance(source: str, external_id: str, event_id: str, now: datetime,
               rev: int) -> dict[str, Any]:
    """Where a draft came from, and the `rev` the announcement left it at."""
    return {"source": source, "external_id": external_id, "event_id": event_id,
            "received_at": now, "rev": rev}


def announcement_may_update(draft: Mapping[str, Any]) -> bool:
    """Whether a repeated announcement may rewrite the draft (a session or an event): only
    while nobody else has touched it (no edit by the secretariat, not published)."""
    origin = draft.get("provenance")
    return (draft["status"] == "draft" and origin is not None
            and draft["rev"] == origin["rev"])


def reannounced(draft: Mapping[str, Any], fresh: Document,
                origin: Mapping[str, Any]) -> Document:
    """The draft rewritten by a repeated announcement: `fresh` (the new fields made into a
    new draft) keeping the old one's identity, creation time and pending events; `rev`
    grows (a replace is conditional on it)."""
    rev = draft["rev"] + 1
    kept = {"outbox": list(draft["outbox"])} if "outbox" in draft else {}
    return {**fresh, "created_at": draft["created_at"], "rev": rev, **kept,
            "provenance": {**origin, "rev": rev}}
