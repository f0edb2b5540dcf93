"""Business rules of sessions and registrations, as small named predicates and decisions."""

from __future__ import annotations

import unicodedata
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

SUPPRESS_BELOW = 5
"""Statistics cells counting fewer people than this are suppressed (small-cell rule)."""


def email_key(email: str) -> str:
    """The form of an address that dedupes registrations: trimmed, NFC, lower-case."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def timezone_is_valid(name: str) -> bool:
    """Whether `name` is an IANA time zone known to zoneinfo."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def why_registration_is_closed(session: Mapping[str, Any], now: datetime) -> str | None:
    """None if people may register now, else the reason (for a 409)."""
    if session["status"] == "cancelled":
        return "The session was cancelled."
    if session["status"] != "published":
        return "The session is not published."
    if now >= session["starts_at"]:
        return "The session has already started."
    opens, closes = session.get("registration_opens_at"), session.get("registration_closes_at")
    if opens is not None and now < opens:
        return "Registration is not open yet."
    if closes is not None and now >= closes:
        return "Registration is closed."
    return None


CANCELLABLE = ("received", "confirmed", "waitlisted", "pending_approval",
               "awaiting_confirmation")
"""Statuses a participant may still withdraw from."""


def participant_may_cancel(status: str, session: Mapping[str, Any], now: datetime) -> bool:
    """An active registration of a session that is neither cancelled nor over."""
    return (status in CANCELLABLE and session["status"] != "cancelled"
            and now < session["ends_at"])


ENDED = ("cancelled", "rejected", "expired")
"""Statuses after which a registration changes no more."""


def registration_has_ended(status: str) -> bool:
    """Cancelled, rejected or expired: a second cancellation or decision changes nothing."""
    return status in ENDED


def may_register_again(status: str) -> bool:
    """Someone who cancelled, or did not confirm their address in time, may register anew;
    a rejection stands (the secretariat decided)."""
    return status in ("cancelled", "expired")


def awaits_confirmation(session: Mapping[str, Any], registration: Mapping[str, Any]) -> bool:
    """Whether this registration holds its place only until its address is confirmed: in a
    session that asks for it, until confirmed."""
    return bool(session.get("hold_until_confirmed")) \
        and registration.get("address_confirmed_at") is None


def confirmation_deadline(registered_at: datetime, minutes: int) -> datetime:
    """When a held place is released unless the address was confirmed."""
    return registered_at + timedelta(minutes=minutes)


def hold_has_lapsed(confirm_by: datetime, now: datetime) -> bool:
    """The time to confirm is over (the confirm link expires at the same moment)."""
    return now >= confirm_by


def owner_mail_slot(now: datetime) -> int:
    """The hour an "already registered" mail belongs to: one per registration and hour, so
    typing someone's address again and again cannot flood their mailbox."""
    return int(now.timestamp()) // 3600


def awaits_approval(session: Mapping[str, Any], registration: Mapping[str, Any]) -> bool:
    """Whether placing this registration waits for the secretariat: not once approved."""
    return bool(session["requires_approval"]) and registration.get("approved_at") is None


@dataclass(frozen=True)
class Quota:
    country: str
    seats: int
    release_at: datetime


def unreleased_quotas(quotas: Sequence[Mapping[str, Any]], now: datetime) -> list[Quota]:
    """Quotas still reserving seats at `now`."""
    return [Quota(q["country"], q["seats"], q["release_at"]) for q in quotas
            if now < q["release_at"]]


@dataclass(frozen=True)
class SeatClaim:
    """How to take one seat: the counters the conditional update must find, and bump.

    `kind` is "quota" for a seat reserved for the person's country, "general" otherwise.
    `expect` are exact values the update must still see (reserved-seat counters), `below`
    upper bounds (`confirmed < below`); None when the ledger shows no seat for this person.
    """

    kind: Literal["quota", "general"]
    confirmed_below: int | None
    expect: dict[str, int]
    quota_country: str | None


def seat_claim_for(
    capacity: int | None, confirmed: int, quota_used: Mapping[str, int],
    quotas: Sequence[Mapping[str, Any]], country: str, now: datetime,
) -> SeatClaim | None:
    """The seat this person may take given the ledger, or None if there is none.

    Reserved seats of unreleased quotas count as taken for everyone else: a general seat
    needs `confirmed + unused reserved < capacity`; the unused reserved seats depend on the
    quota counters, so the update expects them unchanged (a concurrent change retries).
    """
    if capacity is None:
        return SeatClaim("general", None, {}, None)
    open_quotas = unreleased_quotas(quotas, now)
    mine = next((q for q in open_quotas if q.country == country), None)
    if mine is not None and quota_used.get(country, 0) < mine.seats and confirmed < capacity:
        return SeatClaim("quota", capacity, {country: quota_used.get(country, 0)}, country)
    reserved = sum(max(q.seats - quota_used.get(q.country, 0), 0) for q in open_quotas)
    if confirmed + reserved >= capacity:
        return None
    expect = {q.country: quota_used.get(q.country, 0) for q in open_quotas}
    return SeatClaim("general", capacity - reserved, expect, None)


def newcomer_must_wait(claim: SeatClaim, waiting: int) -> bool:
    """A free general seat goes to the first of `waiting` people before anyone new (the seat
    of someone who cancelled is theirs); a seat reserved for a country may go to a newcomer
    from it, since the first waiter may be from elsewhere and unable to take it."""
    return claim.kind == "general" and waiting > 0


def lost_only_to_a_full_ledger(claim: SeatClaim) -> bool:
    """Whether a failed claim can only mean the seats are gone, people wait or the session
    changed: a general seat with no country quota open expects no exact counter, so no
    concurrent change short of those fails it (a quota claim fails on a rival's take too)."""
    return claim.kind == "general" and not claim.expect


def seats_left(capacity: int | None, confirmed: int) -> int | None:
    """Seats still free (None: unlimited)."""
    return None if capacity is None else max(capacity - confirmed, 0)


def capacity_change_is_allowed(new_capacity: int | None, confirmed: int, force: bool) -> bool:
    """Lowering capacity below the confirmed count needs `force` (and never cancels anyone)."""
    return new_capacity is None or new_capacity >= confirmed or force


def suppress_small(counts: Mapping[str, int], below: int = SUPPRESS_BELOW) -> dict[str, int | None]:
    """Cells under `below` become None, so no small group can be singled out."""
    return {key: (value if value >= below else None) for key, value in sorted(counts.items())}


def has_a_spanish_or_english_or_other_title(title: Mapping[str, str]) -> bool:
    """A title needs at least one of the four languages, non-blank."""
    return any(text.strip() for text in title.values())
