"""Personal invitations to invite-only sessions: one per person and session, each with its own
link, each revocable. No I/O.

An invitation's id is derived from its session and address, so inviting the same person twice
finds the first invitation (and mails nothing more). Its link lets one registration in: while
`sent` anyone holding it may register (people register with another address than the one
invited); once `used`, only the address that used it (so its owner may register again after
cancelling, or be told they already are); once `revoked`, nobody.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain import Document
from services.registration.domain.errors import Refusal
from services.registration.domain.rules import email_key
from shared.contracts.registration.desk import Invitee
from shared.reference import LanguageCode

INVITE_ACTION = "invite"
"""The action personal invitation tokens are signed for (their subject: the invitation)."""


def invitation_id(session_id: str, email: str) -> str:
    """The one invitation of an address to a session."""
    digest = hashlib.sha256(f"{session_id}\n{email_key(email)}".encode()).hexdigest()[:24]
    return f"inv_{digest}"


def new_invitation(session: Mapping[str, Any], invitee: Invitee, now: datetime) -> Document:
    """An invitation sent at `now`, in the invitee's language or the session's first."""
    language: LanguageCode = invitee.language or session["languages"][0]
    return {"_id": invitation_id(session["_id"], invitee.email), "session_id": session["_id"],
            "name": invitee.name, "email": invitee.email, "language": language,
            "status": "sent", "sent_at": now, "registration_id": None, "used_by": None,
            "used_at": None, "revoked_at": None}


def session_takes_invitations(session: Mapping[str, Any], now: datetime) -> bool:
    """Invitations go to invite-only sessions not cancelled that have not started."""
    return bool(session["visibility"] == "invite_only" and session["status"] != "cancelled"
                and session["starts_at"] > now)


def refuse_unless_invitations_taken(session: Mapping[str, Any], now: datetime) -> None:
    """Refuse (`conflict`) to invite people to a session that takes no invitations."""
    if not session_takes_invitations(session, now):
        raise Refusal("conflict", "Only an invite-only session, neither cancelled nor "
                      "started, takes invitations.")


def refuse_unless_invitation_admits(invitation: Mapping[str, Any] | None, session_id: str,
                                    email: str) -> None:
    """Refuse (`forbidden`, saying why) unless this invitation lets this address register for
    this session."""
    if invitation is None or invitation["session_id"] != session_id:
        raise Refusal("forbidden", "The invitation is for another session.")
    if invitation["status"] == "revoked":
        raise Refusal("forbidden", "This invitation was revoked.")
    if invitation["status"] == "used" and invitation["used_by"] != email_key(email):
        raise Refusal("forbidden", "This invitation was already used.")


def invitation_may_be_revoked(invitation: Mapping[str, Any]) -> bool:
    """A used invitation stays (its registration is cancelled instead)."""
    return bool(invitation["status"] != "used")
