"""Who takes part in each session, kept from registration events alone.

Attendance adds to a record (`attended`) without changing who holds a seat: the materials
mail goes to registrants and attendees alike, reminders only to those holding a seat.

Event order guards: a recipient record keeps the time of the event that last changed it
(`as_of`, epoch microseconds), and an older event does not overwrite a newer one. It keeps
that event's id too (`event_id`): a second copy of the same event writes nothing, for
`attended` may have changed the record since without moving `as_of`, and is told whether
the record is its own (participant events keep no inbox record: `shared.consumer`). The
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
                     event_id: str, recipient: Recipient, cancel_token: str | None) -> bool:
        """Someone holds a seat since `as_of` (event `event_id`); False if a newer event
        already changed them."""
        return await self._set(session, registration_id, as_of, event_id, {
            "active": True, "email": recipient.email, "name": recipient.name,
            "language": recipient.language, "join_url": session.join_url,
            "cancel_token": cancel_token, "left_by": None})

    async def left(self, session: SessionSnapshot, registration_id: str, as_of: datetime,
                   event_id: str, left_by: str) -> bool:
        """Someone left (`left_by` says why) at `as_of` (event `event_id`); False if a newer
        event changed them."""
        return await self._set(session, registration_id, as_of, event_id,
                               {"active": False, "left_by": left_by})

    async def attended(self, session: SessionSnapshot, registration_id: str,
                       recipient: Recipient, cancel_token: str | None) -> None:
        """Someone took part in the session (whatever they hold now). A record made here
        is older than any event (`as_of` 0), so their seat's events still apply."""
        session_id = session.session_id
        key: Document = {"_id": f"{session_id}|{registration_id}"}
        update: Document = {
            "$set": {"attended": True, "email": recipient.email, "name": recipient.name,
                     "language": recipient.language, "cancel_token": cancel_token},
            "$setOnInsert": {"session_id": session_id, "registration_id": registration_id,
                             "active": False, "left_by": None, "as_of": 0,
                             "ends_ms": ms(session.ends_at)}}
        try:
            await self.recipients.update_one(key, update, upsert=True)
        except DuplicateKeyError:  # another event created the record meanwhile: it exists
            await self.recipients.update_one(key, update)

    async def _set(self, session: SessionSnapshot, registration_id: str, as_of: datetime,
                   event_id: str, fields: dict[str, Any]) -> bool:
        """Write `fields` unless a newer event, or this one, already did (`$ne` beside the
        `_id` does not make the stand-in scan); True if the record is this event's."""
        session_id = session.session_id
        key, at = f"{session_id}|{registration_id}", stamp(as_of)
        try:
            await self.recipients.update_one(
                {"_id": key, "as_of": {"$lte": at}, "event_id": {"$ne": event_id}},
                {"$set": {**fields, "session_id": session_id, "registration_id": registration_id,
                          "as_of": at, "event_id": event_id, "ends_ms": ms(session.ends_at)}},
                upsert=True)
        except DuplicateKeyError:  # the record exists, written by a newer event or this one
            return await self._written_by(key, event_id)
        return True

    async def _written_by(self, key: str, event_id: str) -> bool:
        """Whether the record was last written by `event_id` (a copy of an applied event)."""
        found = await self.recipients.find_one({"_id": key}, {"event_id": 1})
        return found is not None and found.get("event_id") == event_id

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

    async def registrants_and_attendees(self, session_id: str) -> list[Member]:
        """Who hears of a session's materials: those holding a seat and those who came."""
        found = await self.recipients.find(
            {"session_id": session_id, "email": {"$exists": True},
             "$or": [{"active": True}, {"attended": True}]}).sort("_id", ASCENDING).to_list()
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
