"""Staff accounts: the people who sign in to the staff pages, each with one role.

An admin creates them (API, admin page, or `dialogues staff add` for the first admin); no one
signs up. An account is found by its address when a sign-in link is asked for, and read again
on every staff request, so a changed role or a disabled account takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.gateway.keys import Role
from shared.db import Document, IndexSpec
from shared.ids import new_id

COLLECTION: Final = "staff_accounts"


@dataclass(frozen=True)
class StaffAccount:
    """One person who may sign in to the staff pages."""

    id: str
    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime


class AccountExists(Exception):
    """There is already an account with this address."""


def normal_address(email: str) -> str:
    """Addresses compare without case or surrounding blanks (as people type them)."""
    return email.strip().lower()


def _to_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _account(doc: Document) -> StaffAccount:
    return StaffAccount(id=doc["account_id"], email=doc["email"], name=doc["name"],
                        role=doc["role"], active=doc["active"], created_at=doc["created_at"])


class StaffAccounts:
    """The `staff_accounts` collection of the gateway's database."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db[COLLECTION]

    @staticmethod
    def indexes() -> list[IndexSpec]:
        """One account per address; ids are time-ordered, so listing by id is by age."""
        return [IndexSpec(COLLECTION, (("account_id", 1),), unique=True),
                IndexSpec(COLLECTION, (("email", 1),), unique=True)]

    async def create(self, email: str, name: str, role: Role, now: datetime) -> StaffAccount:
        """Store a new active account; AccountExists if the address has one."""
        account = StaffAccount(id=new_id(now, "sa"), email=normal_address(email),
                               name=name.strip(), role=role, active=True,
                               created_at=_to_ms(now))
        try:
            await self.collection.insert_one({
                "account_id": account.id, "email": account.email, "name": account.name,
                "role": account.role, "active": True, "created_at": account.created_at})
        except DuplicateKeyError:
            raise AccountExists(account.email) from None
        return account

    async def get(self, account_id: str) -> StaffAccount | None:
        """One account by id."""
        doc = await self.collection.find_one({"account_id": account_id})
        return None if doc is None else _account(doc)

    async def active_by_address(self, email: str) -> StaffAccount | None:
        """The active account of an address, if there is one."""
        doc = await self.collection.find_one({"email": normal_address(email), "active": True})
        return None if doc is None else _account(doc)

    async def change(self, account_id: str, *, role: Role | None = None,
                     active: bool | None = None) -> StaffAccount | None:
        """Change the role and/or whether the account may sign in; None if there is none."""
        changes: dict[str, Any] = {}
        if role is not None:
            changes["role"] = role
        if active is not None:
            changes["active"] = active
        if changes:
            await self.collection.update_one({"account_id": account_id}, {"$set": changes})
        return await self.get(account_id)

    async def page(self, limit: int, after: str | None = None
                   ) -> tuple[list[StaffAccount], str | None]:
        """Up to `limit` accounts in creation order after id `after`, and the next `after`."""
        query: dict[str, Any] = {} if after is None else {"account_id": {"$gt": after}}
        docs = await self.collection.find(query).sort("account_id", 1).limit(
            limit + 1).to_list()
        items = [_account(doc) for doc in docs[:limit]]
        return items, items[-1].id if len(docs) > limit else None
