"""Who takes part in each session, kept from registration events alone.

Event order guards: a recipient record keeps the time of the event that last changed it
(`as_of`, epoch microseconds), and an older event does not overwrite a newer one. The
session's end (`ends_ms`) rides along: the retention purge forgets a session's audience
(names, addresses) that long after it ended.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.notify.domain.model import Recipient
from services.notify.domain.participants import Member
from services.notify.store.times import ms, stamp
from shared.contracts.registration.events import SessionSnapshot
from shared.db import Document, IndexSpec

RECIPIENTS = "recipients"
INDEXES = [
    IndexSpec(RECIPIENTS, (("session_id", 1), ("active", 1))),
    IndexSpec(RECIPIENTS, (("ends_ms", 1),)),  # the retention purge
]


class Audience:
    """The recipients of each session's reminders and session-wide mails."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.recipients = db[RECIPIENTS]

    async def joined(self, session: SessionSnapshot, registration_id: str, as_of: datetime,
                     recipient: Recipient, cancel_token: str | None) -> bool:
        """Someone holds a seat since `as_of`; False if a newer event already changed them."""
        return await self._set(session, registration_id, as_of, {
            "active": True, "email": recipient.email, "name": recipient.name,
            "language": recipient.language, "join_url": session.join_url,
            "cancel_token": cancel_token, "left_by": None})

    async def left(self, session: SessionSnapshot, registration_id: str, as_of: datetime,
                   left_by: str) -> bool:
        """Someone left (`left_by` says why) at `as_of`; False if a newer event changed them."""
        return await self._set(session, registration_id, as_of,
                               {"active": False, "left_by": left_by})

    async def _set(self, session: SessionSnapshot, registration_id: str, as_of: datetime,
                   fields: dict[str, Any]) -> bool:
        session_id = session.session_id
        key, at = f"{session_id}|{registration_id}", stamp(as_of)
        try:
            await self.recipients.update_one(
                {"_id": key, "as_of": {"$lte": at}},
                {"$set": {**fields, "session_id": session_id, "registration_id": registration_id,
                          "as_of": at, "ends_ms": ms(session.ends_at)}}, upsert=True)
        except DuplicateKeyError:  # the record exists with a newer `as_of`
            return False
        return True

    async def members(self, session_id: str, include_left_by: str | None = None
                      ) -> list[Member]:
        """The active audience of a session (and those who left for `include_left_by`)."""
        either: list[Document] = [{"active": True}]
        if include_left_by:
            either.append({"left_by": include_left_by})
        found = await self.recipients.find(
            {"session_id": session_id, "email": {"$exists": True}, "$or": either}
        ).sort("_id", ASCENDING).to_list()
        return [member_of(record) for record in found]

    async def session_moved(self, session: SessionSnapshot) -> None:
        """Keep the audience's end with a rescheduled session."""
        await self.recipients.update_many({"session_id": session.session_id},
                                          {"$set": {"ends_ms": ms(session.ends_at)}})

    async def forget_sessions_ended_before(self, cutoff: datetime) -> int:
        """Delete the audience of sessions that ended before `cutoff`; how many people.

        Reminders and session mails need it only until the session is over; it holds
        names and addresses, which the retention period bounds."""
        result = await self.recipients.delete_many({"ends_ms": {"$lt": ms(cutoff)}})
        return result.deleted_count


def member_of(record: Document) -> Member:
    """A stored recipient as session mails need it."""
    return Member(Recipient(email=record["email"], name=record["name"],
                            language=record["language"],
                            registration_id=record["registration_id"]),
                  join_url=record.get("join_url"), cancel_token=record.get("cancel_token"))
