"""The signed tokens participants act with: cancelling, confirming, and invitations to a
session. A bad token is refused (`forbidden`), an expired one told apart (`gone`)."""

from __future__ import annotations

from datetime import datetime

from services.registration.domain.errors import Refusal
from shared.contracts.registration.rpc import Invitation
from shared.db import Document
from shared.tokens import Signer, TokenError

INVITE_ACTION = "register"


def subject_of(signer: Signer, token: str, action: str, now: datetime) -> str:
    """What a token for `action` was issued for (a mailed link: its registration); refused
    `gone` if expired, `forbidden` if not valid."""
    try:
        return signer.verify(token, action, now=now)
    except TokenError as error:
        raise Refusal("gone" if error.expired else "forbidden", str(error)) from None


def invitation(signer: Signer, session: Document, now: datetime) -> Invitation:
    """A token for registering to this session, valid until it starts (it names no one:
    whoever holds it may register once with their own address)."""
    if session["status"] == "cancelled" or session["starts_at"] <= now:
        raise Refusal("conflict", "The session is cancelled or has started.")
    token = signer.issue(session["_id"], INVITE_ACTION, now=now,
                         ttl=session["starts_at"] - now)
    return Invitation(token=token, expires_at=session["starts_at"])


def check_invitation(signer: Signer, session: Document, token: str | None,
                     now: datetime) -> None:
    """Invite-only sessions need a token issued for this session."""
    if session["visibility"] != "invite_only":
        return
    if token is None:
        raise Refusal("forbidden", "This session is by invitation only.")
    subject = subject_of(signer, token, INVITE_ACTION, now)
    if subject != session["_id"]:
        raise Refusal("forbidden", "The invitation is for another session.")
