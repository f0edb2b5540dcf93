"""Sessions other systems announce (`ingest.registration.<source>.session.v1`): drafts for
the secretariat, never published by the announcement.

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
from services.registration.domain.sessions import new_session
from shared.contracts.registration.rpc import SessionFields


def announced_id(source: str, external_id: str) -> str:
    """The session id of an announcement: the same for every repeat of it, and unlike any id
    the secretariat's sessions get (those are time-ordered ids, `shared.ids`)."""
    digest = hashlib.sha256(f"{source}\n{external_id}".encode()).hexdigest()
    return f"ann-{digest[:32]}"


def provenance(source: str, external_id: str, event_id: str, now: datetime,
               rev: int) -> dict[str, Any]:
    """Where a draft came from, and the `rev` the announcement left it at."""
    return {"source": source, "external_id": external_id, "event_id": event_id,
            "received_at": now, "rev": rev}


def announced_session(session_id: str, fields: SessionFields, origin: Mapping[str, Any],
                      now: datetime) -> Document:
    """A new draft from an announcement (refused, naming the field, like the secretariat's
    own drafts when its fields contradict each other)."""
    return {**new_session(session_id, fields, now), "provenance": dict(origin)}


def announcement_may_update(session: Mapping[str, Any]) -> bool:
    """Whether a repeated announcement may rewrite the draft: only while nobody else has
    touched it (no edit by the secretariat, not published)."""
    origin = session.get("provenance")
    return (session["status"] == "draft" and origin is not None
            and session["rev"] == origin["rev"])


def reannounced(session: Mapping[str, Any], fields: SessionFields, origin: Mapping[str, Any],
                now: datetime) -> Document:
    """The draft rewritten by a repeated announcement: the new fields over a fresh draft,
    keeping its identity and creation time; `rev` grows (a replace is conditional on it)."""
    rev = session["rev"] + 1
    fresh = new_session(session["_id"], fields, now)
    return {**fresh, "created_at": session["created_at"], "rev": rev,
            "outbox": list(session.get("outbox", [])), "provenance": {**origin, "rev": rev}}
