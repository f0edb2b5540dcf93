"""Cursor pages, the shape of every list the gateway answers: `{"items": [...], "next_cursor"}`.

A cursor is the position after which the next page starts, opaque to clients (base64url), so
its content can change without breaking them. Position by value rather than by offset: items
added or removed between two requests neither repeat nor vanish from a walk through the list.

Positions are strings compared as strings (e.g. a time-ordered id). The embedded MongoDB
stand-in compares datetimes in queries to the whole second (while it sorts them to the
millisecond), so a position made of a `created_at` would skip items there.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final, Generic, TypeVar

from pydantic import BaseModel

Item = TypeVar("Item")

DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 200


class Page(BaseModel, Generic[Item]):
    """One page of a list; `next_cursor` is null on the last page."""

    items: list[Item]
    next_cursor: str | None


def encode_cursor(position: str | None) -> str | None:
    """The `next_cursor` for a page that ended at `position` (None: it was the last page)."""
    if position is None:
        return None
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The position a cursor stands for; ValueError if it is not one this API gave out."""
    try:
        position = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError) as error:
        raise ValueError("malformed cursor") from error
    if not position or not position.isprintable():
        raise ValueError("malformed cursor")
    return position


def offset_of(cursor: str | None, most: int) -> int | None:
    """The offset a search cursor (`o<offset>`) stands for: 0 without one, None if it is not
    one this gateway gave out or lies beyond `most`."""
    if not cursor:
        return 0
    try:
        position = decode_cursor(cursor)
        offset = int(position[1:]) if position.startswith("o") else -1
    except ValueError:
        return None
    return offset if 0 <= offset <= most else None
