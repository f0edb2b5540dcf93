"""The signed tokens participants act with: cancelling, confirming, and personal invitations
to a session. A bad token is refused (`forbidden`), an expired one told apart (`gone`)."""

from __future__ import annotations

from datetime import datetime

from services.registration.domain.errors import Refusal
from services.registration.domain.invitations import INVITE_ACTION as INVITE_ACTION
from shared.db import Document
from shared.tokens import Signer, TokenError


def subject_of(signer: Signer, token: str, action: str, now: datetime) -> str:
    """What a token for `action` was issued for (a mailed link: its registration); refused
    `gone` if expired, `forbidden` if not valid."""
    try:
        return signer.verify(token, action, now=now)
    except TokenError as error:
        raise Refusal("gone" if error.expired else "forbidden", str(error)) from None


def check_invitation(signer: Signer, session: Document, token: str | None,
                     now: datetime) -> None:
    """Invite-only sessions need a personal invitation's valid token (whether that invitation
    still lets this person in is read afterwards: handlers/invitations.py)."""
    if session["visibility"] != "invite_only":
        return
    if token is None:
        raise Refusal("forbidden", "This session is by invitation only.")
    subject_of(signer, token, INVITE_ACTION, now)
