"""Personal invitations: sending them (each mailed once through notify), listing and revoking
them, and the check a registration with one passes.

The invitation and the event that mails it are one insert, so a redone request neither mails
twice nor loses the mail. A registration records the invitation it used after it is placed:
a crash in between leaves the invitation `sent` (the registration stands; the link still lets
that address in, and the list shows it unused).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services.registration.domain.errors import Refusal
from services.registration.domain.invitations import (
    INVITE_ACTION,
    invitation_may_be_revoked,
    new_invitation,
    refuse_unless_invitation_admits,
    refuse_unless_invitations_taken,
)
from services.registration.domain.rules import email_key
from services.registration.events import invitation_sent
from services.registration.handlers import Deps, session_of
from services.registration.handlers.tokens import subject_of
from services.registration.views import invitation_view
from shared.contracts.registration.desk import InvitationsSent, InvitationView, Invitee
from shared.db import Document


async def invite(deps: Deps, session_id: str, invitees: Sequence[Invitee],
                 now: datetime) -> InvitationsSent:
    """One invitation per address, mailed once; an address invited before keeps its own."""
    session = await session_of(deps, session_id)
    refuse_unless_invitations_taken(session, now)
    created, shown = 0, []
    for invitee in invitees:
        document = new_invitation(session, invitee, now)
        token = deps.signer.issue(document["_id"], INVITE_ACTION, now=now,
                                  ttl=session["starts_at"] - now)
        event = invitation_sent(document, session, token, now)
        if await deps.store.insert_invitation_once({**document, "outbox": [event]}):
            created += 1
            deps.kick(*deps.store.invitation_outbox(document["_id"]), [event])
        shown.append(await deps.store.invitation(document["_id"]) or document)
    return InvitationsSent(created=created, items=[invitation_view(i) for i in shown])


async def invitations_of(deps: Deps, session_id: str, status: str | None) -> list[InvitationView]:
    """A session's invitations, in the order sent."""
    await session_of(deps, session_id)
    return [invitation_view(i) for i in await deps.store.invitations_of(session_id, status)]


async def revoke(deps: Deps, invitation_id: str, now: datetime) -> InvitationView:
    """Revoke an invitation not yet used (again: no change); its link then lets nobody in."""
    invitation = await _invitation_of(deps, invitation_id)
    if not invitation_may_be_revoked(invitation):
        raise Refusal("conflict", "This invitation was used: cancel its registration instead.")
    await deps.store.revoke_invitation(invitation_id, now)
    return invitation_view(await _invitation_of(deps, invitation_id))


async def admitting_invitation(deps: Deps, session: Document, token: str | None, email: str,
                               now: datetime) -> Document | None:
    """The invitation an invite-only session's registrant holds (refused if there is none,
    or it does not let this address in); None for a session open to all."""
    if session["visibility"] != "invite_only":
        return None
    if token is None:
        raise Refusal("forbidden", "This session is by invitation only.")
    invitation = await deps.store.invitation(subject_of(deps.signer, token, INVITE_ACTION, now))
    refuse_unless_invitation_admits(invitation, session["_id"], email)
    return invitation


async def note_used(deps: Deps, invitation: Document | None, registration_id: str, email: str,
                    now: datetime) -> None:
    """Record which registration an invitation let in (the first only)."""
    if invitation is not None:
        await deps.store.mark_invitation_used(invitation["_id"], registration_id,
                                              email_key(email), now)


async def _invitation_of(deps: Deps, invitation_id: str) -> Document:
    found = await deps.store.invitation(invitation_id)
    if found is None:
        raise Refusal("not_found", f"There is no invitation {invitation_id!r}.")
    return found
