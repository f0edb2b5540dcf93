"""Mailed sign-in links and the sign-in sessions they open, stored hashed.

A link token and a session id are random secrets the person's mailbox or browser holds; the
database keeps only their SHA-256 (`rules.hashed`). A link is spent by one conditional write
(`used_at` from null to now), so two clicks, or a mail scanner and a person, sign in at most
once. Expiry is decided in Python from stored times (`rules`), never in a query: the
embedded MongoDB stand-in compares datetimes to the second only. Times written by an update
(`last_seen`, `used_at`) are epoch milliseconds: the stand-in turns a datetime in `$set` into
text, and a number reads back the same on MongoDB and on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.staff import rules
from shared.db import Document, IndexSpec

LINKS: Final = "staff_sign_in_links"
SESSIONS: Final = "staff_sessions"
PURGE_AFTER: Final = timedelta(days=1)
"""Spent and expired links and sessions are deleted by a TTL index this long after their end."""


@dataclass(frozen=True)
class Lifetimes:
    """How long links and sessions live (from GatewaySettings)."""

    link: timedelta
    idle: timedelta
    longest: timedelta
    links_per_hour: int


@dataclass(frozen=True)
class StaffSession:
    """A signed-in browser: whose it is, and when it began and was last used."""

    key: str
    """The hash of the session id (the cookie holds the id itself)."""
    account_id: str
    created_at: datetime
    last_seen: datetime
    via: str


class SignIns:
    """Links (`staff_sign_in_links`) and sessions (`staff_sessions`) of staff sign-in."""

    def __init__(self, db: AsyncDatabase[Document], lifetimes: Lifetimes) -> None:
        self.links = db[LINKS]
        self.sessions = db[SESSIONS]
        self.lifetimes = lifetimes

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Lookups by hash and by account; old records purged by TTL."""
        ttl = {"expireAfterSeconds": int(PURGE_AFTER.total_seconds())}
        return [IndexSpec(LINKS, (("account_id", 1), ("created_at", 1))),
                IndexSpec(LINKS, (("created_at", 1),), options=ttl),
                IndexSpec(SESSIONS, (("account_id", 1),)),
                IndexSpec(SESSIONS, (("ends_at", 1),), options=ttl)]

    async def links_sent_lately(self, account_id: str, now: datetime) -> int:
        """Links made for an account in the last hour (rate limit per address)."""
        docs = await self.links.find({"account_id": account_id},
                                     {"created_at": 1}).to_list()
        hour_ago = now - timedelta(hours=1)
        return sum(1 for doc in docs if _aware(doc["created_at"], now) > hour_ago)

    async def new_link(self, account_id: str, now: datetime) -> str:
        """A fresh single-use link token for an account (only its hash is stored)."""
        token = rules.new_secret()
        await self.links.insert_one({"_id": rules.hashed(token), "account_id": account_id,
                                     "created_at": now, "used_at": None})
        return token

    async def spend_link(self, token: str, now: datetime) -> str | None:
        """The account a link signs in, spending it; None if unknown, spent or expired."""
        doc = await self.links.find_one_and_update(
            {"_id": rules.hashed(token), "used_at": None}, {"$set": {"used_at": _ms(now)}})
        if doc is None or not rules.link_is_usable(_aware(doc["created_at"], now), None, now,
                                                    self.lifetimes.link):
            return None
        return str(doc["account_id"])

    async def link_is_live(self, token: str, now: datetime) -> bool:
        """Whether a link would still sign in (the page before the button; spends nothing)."""
        doc = await self.links.find_one({"_id": rules.hashed(token)})
        return doc is not None and rules.link_is_usable(
            _aware(doc["created_at"], now),
            None if doc["used_at"] is None else _from_ms(doc["used_at"]), now,
            self.lifetimes.link)

    async def open_session(self, account_id: str, now: datetime, via: str) -> str:
        """A new session for an account; returns its id, for the cookie only."""
        session_id = rules.new_secret()
        await self.sessions.insert_one({
            "_id": rules.hashed(session_id), "account_id": account_id, "created_at": now,
            "last_seen": _ms(now), "ends_at": now + self.lifetimes.longest, "via": via})
        return session_id

    async def session(self, session_id: str, now: datetime) -> StaffSession | None:
        """The live session of a cookie, its `last_seen` moved on; None if none or ended."""
        key = rules.hashed(session_id)
        doc = await self.sessions.find_one({"_id": key})
        if doc is None:
            return None
        created, seen = _aware(doc["created_at"], now), _from_ms(doc["last_seen"])
        lifetimes = self.lifetimes
        if not rules.session_is_alive(created, seen, now, idle=lifetimes.idle,
                                      longest=lifetimes.longest):
            await self.sessions.delete_one({"_id": key})
            return None
        if rules.worth_touching(seen, now, lifetimes.idle):
            await self.sessions.update_one({"_id": key}, {"$set": {"last_seen": _ms(now)}})
            seen = now
        return StaffSession(key=key, account_id=doc["account_id"], created_at=created,
                            last_seen=seen, via=doc.get("via", "link"))

    async def close(self, session_id: str) -> None:
        """Sign out: the session is gone."""
        await self.sessions.delete_one({"_id": rules.hashed(session_id)})

    async def revoke_all(self, account_id: str) -> int:
        """End every session of an account (an admin's revocation); how many there were."""
        result = await self.sessions.delete_many({"account_id": account_id})
        return result.deleted_count

    async def count_open(self, account_id: str) -> int:
        """How many sessions an account has open (for the admin page)."""
        return await self.sessions.count_documents({"account_id": account_id})


def _ms(moment: datetime) -> int:
    """`moment` as epoch milliseconds (see the module docstring)."""
    return int(moment.timestamp() * 1000)


def _from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _aware(moment: datetime, like: datetime) -> datetime:
    """A stored time, comparable with `like` (pymongo hands back naive UTC by default)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=like.tzinfo)
