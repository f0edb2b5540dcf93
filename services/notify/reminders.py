"""The reminder poller: due reminders fan out into one queued mail per recipient.

A reminder is claimed under a lease (one conditional write), so replicas never process the
same one at the same time; if one dies mid-fan-out, the lease runs out and another finishes
it, and the deliveries' unique ids keep anyone from getting the reminder twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from services.notify.audience import Audience
from services.notify.domain.compose import SessionMail
from services.notify.domain.model import Recipient, reminder_source
from services.notify.domain.rules import reminder_still_useful
from services.notify.mailer import Mailer
from services.notify.settings import NotifySettings
from shared.contracts.registration import SessionSnapshot
from shared.db import Document

log = logging.getLogger(__name__)


def recipient_of(record: Document) -> Recipient:
    """A stored recipient as the mailer needs it."""
    return Recipient(email=record["email"], name=record["name"], language=record["language"],
                     registration_id=record["registration_id"])


@dataclass
class ReminderPoller:
    """One replica's reminder loop."""

    audience: Audience
    mailer: Mailer
    options: NotifySettings
    owner: str

    async def run(self) -> None:
        """Poll until cancelled; pause on database trouble."""
        while True:
            try:
                if await self.fire_one():
                    continue
            except Exception as error:
                log.warning("reminder poller paused", extra={"error": type(error).__name__})
            await asyncio.sleep(self.options.poll_seconds)

    async def fire_one(self) -> bool:
        """Process one due reminder; False if none was due."""
        now = self.mailer.clock()
        lease = timedelta(seconds=self.options.lease_seconds)
        reminder = await self.audience.claim_reminder(now, self.owner, lease)
        if reminder is None:
            return False
        session = SessionSnapshot.model_validate(reminder["session"])
        starts_at = session.starts_at
        if not reminder_still_useful(now, starts_at):
            await self.audience.close_reminder(reminder, "skipped")
            log.info("reminder skipped: the session has started",
                     extra={"reminder": reminder["_id"]})
            return True
        source = reminder_source(session.session_id, reminder["offset"], starts_at)
        for record in await self.audience.session_recipients(session.session_id):
            personal = session.model_copy(update={"join_url": record.get("join_url")})
            mail = SessionMail(kind="reminder", name=record["name"],
                               cancel_token=record.get("cancel_token"))
            await self.mailer.session_mail(source, recipient_of(record), personal, mail)
        await self.audience.close_reminder(reminder, "sent")
        return True

