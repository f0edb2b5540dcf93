"""Personal invitations (`invitations`): one document per person and session, with its outbox
(the event that mails it is queued in the same insert)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from services.registration.store.base import Collections
from shared.db import Document, IndexSpec
from shared.outbox import OUTBOX_FIELD, with_pending_marker

INVITATIONS = "invitations"


class InvitationDocuments(Collections):
    """The `invitations` collection."""

    @property
    def invitations(self) -> AsyncCollection[Document]:
        return self.sessions.database[INVITATIONS]

    async def insert_invitation_once(self, document: Document) -> bool:
        """Insert unless this invitation (its id: session and address) exists; whether it
        was inserted."""
        try:
            await self.invitations.insert_one(with_pending_marker(document))
        except DuplicateKeyError:
            return False
        return True

    async def invitation(self, invitation_id: str) -> Document | None:
        return await self.invitations.find_one({"_id": invitation_id}, {OUTBOX_FIELD: 0})

    async def invitations_of(self, session_id: str, status: str | None) -> list[Document]:
        """A session's invitations (maybe of one status), in the order sent."""
        query: dict[str, Any] = {"session_id": session_id}
        if status is not None:
            query["status"] = status
        return await self.invitations.find(query, {OUTBOX_FIELD: 0}) \
            .sort([("sent_at", 1), ("_id", 1)]).to_list()

    async def revoke_invitation(self, invitation_id: str, now: datetime) -> bool:
        """Revoke an invitation still `sent`; whether it was."""
        found = await self.invitations.update_one(
            {"_id": invitation_id, "status": "sent"},
            {"$set": {"status": "revoked", "revoked_at": now.isoformat()}})
        return found.matched_count == 1

    async def mark_invitation_used(self, invitation_id: str, registration_id: str,
                                   used_by: str, now: datetime) -> bool:
        """Record the registration made with an invitation still `sent`; whether it was."""
        found = await self.invitations.update_one(
            {"_id": invitation_id, "status": "sent"},
            {"$set": {"status": "used", "registration_id": registration_id,
                      "used_by": used_by, "used_at": now.isoformat()}})
        return found.matched_count == 1

    @staticmethod
    def invitation_outbox(invitation_id: str) -> tuple[str, str]:
        """Where the relay finds the event that mails an invitation (its kick)."""
        return INVITATIONS, invitation_id


def invitation_indexes() -> list[IndexSpec]:
    """A session's invitations in the order sent."""
    return [IndexSpec(INVITATIONS, (("session_id", 1), ("sent_at", 1)))]
