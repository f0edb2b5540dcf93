"""Personal invitations in memory: store/invitations.py, with the same guards."""

from __future__ import annotations

from datetime import datetime

from shared.db import Document
from shared.outbox import OUTBOX_FIELD
from tests.fast.registration.documents import as_stored, without


class MemoryInvitations:
    """The `invitations` collection."""

    invitations: dict[str, Document]

    async def insert_invitation_once(self, document: Document) -> bool:
        if document["_id"] in self.invitations:
            return False
        self.invitations[document["_id"]] = as_stored(document)
        return True

    async def invitation(self, invitation_id: str) -> Document | None:
        found = self.invitations.get(invitation_id)
        return None if found is None else without(found, [OUTBOX_FIELD])

    async def invitations_of(self, session_id: str, status: str | None) -> list[Document]:
        found = sorted((i for i in self.invitations.values() if i["session_id"] == session_id
                        and status in (None, i["status"])),
                       key=lambda i: (str(i["sent_at"]), i["_id"]))
        return [without(i, [OUTBOX_FIELD]) for i in found]

    async def revoke_invitation(self, invitation_id: str, now: datetime) -> bool:
        return self._move(invitation_id, {"status": "revoked", "revoked_at": now.isoformat()})

    async def mark_invitation_used(self, invitation_id: str, registration_id: str,
                                   used_by: str, now: datetime) -> bool:
        return self._move(invitation_id, {"status": "used", "registration_id": registration_id,
                                          "used_by": used_by, "used_at": now.isoformat()})

    def _move(self, invitation_id: str, changes: Document) -> bool:
        found = self.invitations.get(invitation_id)
        if found is None or found["status"] != "sent":
            return False
        found.update(changes)
        return True

    @staticmethod
    def invitation_outbox(invitation_id: str) -> tuple[str, str]:
        return "invitations", invitation_id
