"""Session materials: record each one as the catalog publishes it; mail the session's
registrants and attendees once, when the gathering window of its first material closes.

The mail is planned in the database before the event is acknowledged, and sent by a timed
loop (`pollers.send_materials_mails`) that claims it under a lease as reminders are: a crash
before the plan is written redelivers the event, one mid-fan-out lets the lease run out and
another replica finish, and the deliveries' unique ids (one per session and address) keep
anyone from getting it twice. Materials published after the mail went are not mailed: the
session page lists them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from services.notify.domain.materials import (
    compose_materials_mail,
    material_of,
    materials_mail_due,
)
from services.notify.domain.model import materials_source
from services.notify.domain.rules import choose_language
from services.notify.domain.strings import LANGUAGES
from services.notify.handlers.context import Context
from shared.contracts.catalog.events import DocumentSnapshot

log = logging.getLogger(__name__)


async def when_session_material_is_published(ctx: Context, session_id: str,
                                             doc: DocumentSnapshot) -> None:
    """Record the material; plan its session's mail unless one is planned or sent."""
    now, store = ctx.clock(), ctx.store
    await store.materials.add(session_id, material_of(doc), now)
    session = await store.sessions.get(session_id)
    due = materials_mail_due(now, session.ends_at if session else None,
                             ctx.options.materials_gather_seconds)
    await store.materials.plan_mail(session_id, due)


async def send_a_due_materials_mail(ctx: Context, owner: str) -> bool:
    """Send one session's due materials mail, as `owner`; False if none was due."""
    now, store = ctx.clock(), ctx.store
    session_id = await store.materials.claim_due(
        now, owner, timedelta(seconds=ctx.options.lease_seconds))
    if session_id is None:
        return False
    session = await store.sessions.get(session_id)
    if session is None:  # no registration event named it since notify keeps sessions
        await store.materials.close(session_id, owner, "skipped")
        log.info("materials mail skipped: unknown session", extra={"session_id": session_id})
        return True
    materials = await store.materials.of_session(session_id)
    for member in await store.audience.registrants_and_attendees(session_id):
        who = member.recipient
        lang = choose_language(who.language, session.languages, LANGUAGES)
        content = compose_materials_mail(ctx.mailer.strings, lang, session, who.name,
                                         materials, ctx.site)
        await ctx.mailer.queue(materials_source(session_id), "materials_published", who,
                               content, session_id=session_id)
    await store.materials.close(session_id, owner, "sent")
    return True
