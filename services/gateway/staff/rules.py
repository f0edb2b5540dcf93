"""The rules of staff sign-in, as pure functions: tokens, session lifetimes, where to go next.

Nothing here reads a clock or a database; times come in as arguments, so each rule has a
five-line test (tests/unit/test_staff_rules.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

TOKEN_BYTES: Final = 32
"""256 random bits: a link or session id cannot be guessed, so a fast hash stores it safely."""


def new_secret() -> str:
    """A fresh random token for a mailed link or a session cookie (URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hashed(secret: str) -> str:
    """SHA-256 of a link token or session id, hex: what the database keeps instead of it,
    so a copy of the database signs no one in (see services.gateway.keys.hash_key for why a
    fast hash is right for random secrets)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def link_is_usable(created_at: datetime, used_at: datetime | None, now: datetime,
                   lifetime: timedelta) -> bool:
    """A mailed link signs in once, and only within its lifetime."""
    return used_at is None and created_at <= now < created_at + lifetime


def session_is_alive(created_at: datetime, last_seen: datetime, now: datetime, *,
                     idle: timedelta, longest: timedelta) -> bool:
    """A session lives while it is used (`idle` since the last request) and never longer than
    `longest` from sign-in, however busy it is."""
    return now < last_seen + idle and now < created_at + longest


def worth_touching(last_seen: datetime, now: datetime, idle: timedelta) -> bool:
    """Whether to write a new `last_seen`: at most about once a minute (not every request),
    which moves the inactivity limit by at most that much."""
    return now - last_seen >= min(timedelta(minutes=1), idle / 10)


def too_many_links(recent: int, most: int) -> bool:
    """Whether an address has been sent enough links lately (a form cannot be used to flood
    someone's inbox)."""
    return recent >= most


def local_path(next_path: str | None, default: str = "/staff") -> str:
    """Where to go after signing in: a path on this site, never another site (an open
    redirect would lend our name to a phishing link)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return default
    if "\\" in next_path or any(ord(char) < 32 for char in next_path):
        return default
    parts = urlsplit(next_path)
    if parts.scheme or parts.netloc:
        return default
    return next_path
