"""API keys: their format, how they are stored (hashed) and how a presented key is checked.

A key reads `dlg_<key_id>_<secret>`. The key id is not secret: it names the key in lists, logs
and revocations, and finds the stored record without scanning. Only a hash of the whole key is
stored, so a copy of the database does not hand out working keys.

Key ids start with their creation time in milliseconds (hex), so ordering by id is ordering by
age and a list cursor is just the last id: a string comparison, where a cursor on `created_at`
would depend on datetime comparisons (which the embedded stand-in makes to the second only).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from pymongo.asynchronous.database import AsyncDatabase

from shared.db import Document, IndexSpec

Role = Literal["admin", "secretariat", "editor", "translator", "integration"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)

COLLECTION: Final = "api_keys"
KEY_PREFIX: Final = "dlg"
KEY_ID_LENGTH: Final = 20  # 12 hex digits of milliseconds since 1970, 8 random


def as_role(text: str) -> Role | None:
    """`text` as a role, or None if it names none."""
    return next((role for role in ROLES if role == text), None)


@dataclass(frozen=True)
class ApiKey:
    """A stored key as the rest of the gateway sees it: everything but its hash."""

    id: str
    role: Role
    name: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        """Whether the key no longer authenticates."""
        return self.revoked_at is not None


def new_key(now: datetime) -> tuple[str, str]:
    """A fresh (key id, full key) pair for a key created at `now`.

    The id is hex so it never holds the `_` that separates the parts; the secret carries 256
    random bits and may hold `_` itself, which `key_id_of` allows for.
    """
    key_id = f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(4)}"
    return key_id, f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(presented: str) -> str | None:
    """The key id inside a presented key, or None if it is not shaped like one of ours."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or len(key_id) != KEY_ID_LENGTH or not secret:
        return None
    if any(char not in "0123456789abcdef" for char in key_id):
        return None
    return key_id


def hash_key(key: str) -> str:
    """SHA-256 of the whole key, hex.

    A fast hash is right here, unlike for passwords: slow hashes (bcrypt, argon2) exist to make
    guessing low-entropy human secrets expensive, but a 256-bit random secret cannot be guessed
    however fast each try is. A slow hash would only make every request slower.
    """
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(presented: str, stored_hash: str) -> bool:
    """Whether `presented` hashes to `stored_hash`.

    The comparison takes the same time wherever the two differ, so response times do not
    reveal how much of a guessed hash was right.
    """
    return hmac.compare_digest(hash_key(presented), stored_hash)


def _to_ms(moment: datetime) -> datetime:
    # MongoDB keeps milliseconds; trimming here makes a returned record equal its stored copy.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _from_document(doc: Document) -> ApiKey:
    revoked_at = doc.get("revoked_at")
    return ApiKey(id=doc["key_id"], role=doc["role"], name=doc["name"],
                  created_at=_in_utc(doc["created_at"]),
                  revoked_at=None if revoked_at is None else _in_utc(revoked_at))


def _in_utc(moment: datetime | str) -> datetime:
    """A stored time with its zone: MongoDB keeps UTC and answers it without one (unless the
    client is tz_aware), and an answer's date-time must say its zone (RFC 3339). The embedded
    stand-in gives back a time written by `$set` as ISO text without a zone: read it too."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class KeyStore:
    """The `api_keys` collection of the gateway's database."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """Keys are found, and listed in creation order, by id."""
        return [IndexSpec(COLLECTION, (("key_id", 1),), unique=True)]

    async def create(self, role: Role, name: str, now: datetime) -> tuple[ApiKey, str]:
        """Store a new key and return it with the full key, which is never available again."""
        key_id, key = new_key(now)
        record = ApiKey(id=key_id, role=role, name=name, created_at=_to_ms(now))
        await self.collection.insert_one({
            "key_id": record.id, "key_hash": hash_key(key), "role": record.role,
            "name": record.name, "created_at": record.created_at, "revoked_at": None,
        })
        return record, key

    async def authenticate(self, presented: str) -> ApiKey | None:
        """The live key `presented` is, or None if it is unknown, wrong or revoked."""
        key_id = key_id_of(presented)
        if key_id is None:
            return None
        doc = await self.collection.find_one({"key_id": key_id})
        if doc is None or not key_matches(presented, doc["key_hash"]):
            return None
        record = _from_document(doc)
        return None if record.revoked else record

    async def get(self, key_id: str) -> ApiKey | None:
        """One key by id, revoked or not."""
        doc = await self.collection.find_one({"key_id": key_id})
        return None if doc is None else _from_document(doc)

    async def revoke(self, key_id: str, now: datetime) -> ApiKey | None:
        """Revoke a key; revoking it again keeps the first time. None if there is no such key."""
        await self.collection.update_one(
            {"key_id": key_id, "revoked_at": None}, {"$set": {"revoked_at": _to_ms(now)}}
        )
        return await self.get(key_id)

    async def page(self, limit: int, after: str | None = None) -> tuple[list[ApiKey], str | None]:
        """Up to `limit` keys in creation order after key id `after`, and the next `after`."""
        query: dict[str, Any] = {} if after is None else {"key_id": {"$gt": after}}
        docs = await self.collection.find(query).sort("key_id", 1).limit(limit + 1).to_list()
        items = [_from_document(doc) for doc in docs[:limit]]
        return items, items[-1].id if len(docs) > limit else None
