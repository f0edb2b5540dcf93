"""Reminders: a due reminder fans out into one queued mail per member of the audience.

A reminder is claimed under a lease (one conditional write), so replicas never process the
same one at the same time; if one dies mid-fan-out, the lease runs out and another finishes
it, and the deliveries' unique ids keep anyone from getting the reminder twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from services.notify.domain.model import reminder_source
from services.notify.domain.participants import member_mail
from services.notify.domain.rules import reminder_still_useful
from services.notify.handlers.context import Context

log = logging.getLogger(__name__)


async def send_a_due_reminder(ctx: Context, owner: str) -> bool:
    """Send one due reminder, as `owner`; False if none was due."""
    now = ctx.clock()
    lease = timedelta(seconds=ctx.options.lease_seconds)
    reminder = await ctx.store.reminders.claim_due(now, owner, lease)
    if reminder is None:
        return False
    session = reminder.session
    if not reminder_still_useful(now, session.starts_at):
        await ctx.store.reminders.skipped(reminder)
        log.info("reminder skipped: the session has started", extra={"reminder": reminder.id})
        return True
    source = reminder_source(session.session_id, reminder.offset, session.starts_at)
    for member in await ctx.store.audience.members(session.session_id):
        personal = session.model_copy(update={"join_url": member.join_url})
        await ctx.mailer.session_mail(source, member.recipient, personal,
                                      member_mail(member, "reminder"))
    await ctx.store.reminders.sent(reminder)
    return True
