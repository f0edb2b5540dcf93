"""Documents kept in memory as MongoDB keeps them: what the memory store shares.

Every document goes in and comes out through BSON with the service client's codec options
(`shared.db.make_client`: tz-aware UTC), so what a handler reads back from memory is what it
would read back from MongoDB: datetimes cut to the millisecond and in UTC, tuples as lists, a
copy that the caller may change without changing what is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import bson
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions

from services.registration.store.base import stored
from shared.db import Document
from shared.outbox import OUTBOX_FIELD

AS_READ = CodecOptions(tz_aware=True, uuid_representation=UuidRepresentation.STANDARD)


def as_stored(document: Document) -> Document:
    """`document` as MongoDB would hand it back: through BSON, a fresh copy."""
    return bson.decode(bson.encode(document), codec_options=AS_READ)


def without(document: Document, fields: Iterable[str]) -> Document:
    """A copy leaving `fields` out (an exclusion projection)."""
    left_out = set(fields)
    return as_stored({k: v for k, v in document.items() if k not in left_out})


def only(document: Document, fields: Iterable[str]) -> Document:
    """A copy with `_id` and `fields` (an inclusion projection)."""
    kept = {"_id", *fields}
    return as_stored({k: v for k, v in document.items() if k in kept})


def is_null(document: Document, name: str) -> bool:
    """MongoDB's `{name: None}`: the field is null or missing."""
    return document.get(name) is None


def below(value: Any, bound: str, *, inclusive: bool = False) -> bool:
    """MongoDB's `$lt`/`$lte` on a string bound: only strings compare (no null, no date)."""
    return isinstance(value, str) and (value <= bound if inclusive else value < bound)


def starts_within(session: Document, starts_from: datetime | None,
                  starts_to: datetime | None) -> bool:
    """`store.session_filters.starts_within` (from inclusive, to exclusive)."""
    return ((starts_from is None or session["starts_at"] >= starts_from)
            and (starts_to is None or session["starts_at"] < starts_to))


def set_with_events(document: Document, changes: dict[str, Any],
                    events: Sequence[Document]) -> None:
    """`store.base.with_events` applied: `$set` the changes as stored, then `$addToSet` the
    events into the outbox (an entry equal to one already there is not added twice)."""
    document.update(as_stored(stored(changes)))
    queue(document, events)


def queue(document: Document, events: Sequence[Document]) -> None:
    """`$addToSet` of outbox entries, in order."""
    outbox = document.setdefault(OUTBOX_FIELD, [])
    for entry in (as_stored(event) for event in events):
        if entry not in outbox:
            outbox.append(entry)
