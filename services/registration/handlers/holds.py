"""What holding a place until the address is confirmed takes (sessions with
`hold_until_confirmed`): a deadline, and a token to confirm with, mailed to the address.

Only the address's owner can follow the mailed link, so a seat taken with someone else's
address (or a mistyped one) is held for `confirmation_minutes` and then released; and the join
URL goes out only with the confirmation (`confirmation.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain.rules import confirmation_deadline
from services.registration.events import confirm_token
from services.registration.ids import id_floor
from shared.contracts.registration import CONFIRMATION_MINUTES
from shared.db import Document
from shared.tokens import Signer

HOLDS = {"confirmed": "seat", "waitlisted": "waiting_list"}
"""What a registration placed so holds until it is confirmed (else nothing: an approval
follows the confirmation)."""


def hold_terms(signer: Signer, registration: Document, session: Document, placed: str | None,
               now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changes of a registration that now awaits the confirmation of its address (its
    deadline as text, and as an id floor the sweeper compares), and what its event adds."""
    confirm_by = confirmation_deadline(
        registration["registered_at"], session.get("confirmation_minutes", CONFIRMATION_MINUTES))
    changes = {"confirm_by": confirm_by.isoformat(), "confirm_due": id_floor(confirm_by)}
    extra = {"confirm_by": confirm_by, "holds": HOLDS.get(placed or "", "nothing"),
             "confirm_token": confirm_token(signer, registration, confirm_by, now)}
    return changes, extra


def deadline_of(registration: Document) -> datetime | None:
    """When the place this registration holds is released, while it awaits confirmation."""
    text = registration.get("confirm_by")
    if registration["status"] != "awaiting_confirmation" or not text:
        return None
    return datetime.fromisoformat(text)
