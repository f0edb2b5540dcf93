"""A registration's life as data: what a new one holds, who may register, and the changes of
each transition. No I/O: handlers load, call these, and write what they return with the
transition's event in one conditional write (store/registrations.py).

Statuses: `received` (inserted, not yet placed), then `confirmed`, `waitlisted`,
`pending_approval` or `awaiting_confirmation`; at the end `cancelled`, `rejected` or
`expired`. The moments a transition sets come back from the store as it keeps them (see
store/base.py): read them with the functions here (`deadline_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain import Document
from services.registration.domain.countries import is_known_country
from services.registration.domain.errors import Refusal, field_refusal, no_session
from services.registration.domain.rules import (
    confirmation_deadline,
    email_key,
    hold_has_lapsed,
    why_registration_is_closed,
)
from shared.contracts.registration.rpc import CONFIRMATION_MINUTES, RegistrationForm
from shared.reference import is_member_state, region_of

PERSONAL = ("name", "email", "institution", "job_title", "accessibility_needs")
"""What retention erases; the rest (country, sector, ...) feeds the statistics."""
HOLDS = {"confirmed": "seat", "waitlisted": "waiting_list"}
"""What a registration placed so holds until it is confirmed (else nothing: an approval
follows the confirmation)."""


def registration_document(registration_id: str, session_id: str, form: RegistrationForm,
                          now: datetime) -> Document:
    """A registration just received, before the ledger placed it."""
    country = form.country.upper()
    return {
        "_id": registration_id, "session_id": session_id, "email_key": email_key(form.email),
        "status": "received", "name": form.name, "email": form.email, "country": country,
        "member_state": is_member_state(country), "region": region_of(country),
        "institution": form.institution, "sector": form.sector, "job_title": form.job_title,
        "gender": form.gender, "preferred_language": form.preferred_language,
        "consent_at": now, "accessibility_needs": form.accessibility_needs,
        "registered_at": now, "waitlist_position": None, "promoted_at": None,
        "attendance": None, "attendance_minutes": None, "anonymized": False,
        "approved_at": None, "release_due": None, "confirm_due": None, "outbox": [],
    }


def refuse_unless_admitted(session: Mapping[str, Any], form: RegistrationForm,
                           now: datetime) -> None:
    """Refuse unless this person may register for `session` at `now` (the invitation of an
    invite-only session is checked apart: it takes the token signer)."""
    if session["status"] == "draft":
        raise no_session(session["_id"])
    if (reason := why_registration_is_closed(session, now)) is not None:
        raise Refusal("conflict", reason)
    if not is_known_country(form.country):
        raise field_refusal("country", "Unknown country code.", "invalid country")


def deadline_of(registration: Mapping[str, Any]) -> datetime | None:
    """When the place this registration holds is released, while it awaits confirmation
    (stored as text, or still a datetime in a registration just changed in memory)."""
    confirm_by = registration.get("confirm_by")
    if registration["status"] != "awaiting_confirmation" or not confirm_by:
        return None
    return confirm_by if isinstance(confirm_by, datetime) else datetime.fromisoformat(confirm_by)


def hold_to_confirm(registration: Mapping[str, Any], now: datetime) -> datetime | None:
    """The deadline of the hold a confirmation at `now` ends; None if there is nothing to
    confirm (any more); refused (`gone`) once the time to confirm is over."""
    confirm_by = deadline_of(registration)
    if registration["status"] == "expired":
        raise Refusal("gone", "The time to confirm this registration is over.")
    if confirm_by is None:
        return None
    if hold_has_lapsed(confirm_by, now):
        raise Refusal("gone", "The time to confirm this registration is over.")
    return confirm_by


def confirmed_then_interrupted(registration: Mapping[str, Any]) -> bool:
    """Its address was confirmed, and it went back to `received` to be placed: still to do."""
    return registration["status"] == "received" \
        and registration.get("address_confirmed_at") is not None


def approved_then_interrupted(registration: Mapping[str, Any]) -> bool:
    """Approved, and not yet placed (a crash, or an approval still under way)."""
    return registration["status"] == "received" and registration.get("approved_at") is not None


def require_reason(reason: str | None) -> str:
    """A rejection states its reason (it is mailed)."""
    if not reason:
        raise field_refusal("reason", "A reason is required.", "required")
    return reason


# --- the changes of each transition ---
def placed(status: str, position: int | None) -> dict[str, Any]:
    """Placed (or sent to the secretariat): its status, and its rank if it waits."""
    return {"status": status, "waitlist_position": position}


def held(registered_at: datetime, session: Mapping[str, Any]) -> tuple[dict[str, Any], datetime]:
    """The changes of a registration that now awaits the confirmation of its address (its
    deadline, shown, and the same as the sweeper's `confirm_due`), and that deadline."""
    confirm_by = confirmation_deadline(
        registered_at, session.get("confirmation_minutes", CONFIRMATION_MINUTES))
    return {"confirm_by": confirm_by, "confirm_due": confirm_by}, confirm_by


def address_confirmed(now: datetime) -> dict[str, Any]:
    return {"address_confirmed_at": now, "confirm_due": None}


def withdrawn(now: datetime) -> dict[str, Any]:
    """Cancelled by its participant or the secretariat; its place is due back (`release_due`)."""
    return {"status": "cancelled", "cancelled_at": now,
            "waitlist_position": None, "release_due": now}


def cancelled_with_session(now: datetime) -> dict[str, Any]:
    """Cancelled because its session was (the ledger is not used any more)."""
    return {"status": "cancelled", "cancelled_at": now}


def expired(now: datetime) -> dict[str, Any]:
    """The address was not confirmed in time; the place is due back (`release_due`)."""
    return {"status": "expired", "expired_at": now, "waitlist_position": None,
            "confirm_due": None, "release_due": now}


def approved(now: datetime) -> dict[str, Any]:
    """Approved: `received` again, to be placed like a new registration."""
    return {"status": "received", "approved_at": now}


def rejected(now: datetime) -> dict[str, Any]:
    return {"status": "rejected", "rejected_at": now}


def promoted(now: datetime) -> dict[str, Any]:
    """Moved from the waiting list into a seat (the ledger moved it already)."""
    return {"status": "confirmed", "promoted_at": now, "waitlist_position": None}


def anonymized(registration_id: str) -> dict[str, Any]:
    """Its personal data erased; the address key made unique without the address."""
    changes: dict[str, Any] = {name: None for name in PERSONAL}
    changes.update(anonymized=True, email_key=f"anonymized:{registration_id}")
    return changes
