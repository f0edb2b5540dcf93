"""A session's life as data: what a new one holds, which edits are allowed, and the changes of
publishing and cancelling it. No I/O: handlers load, call these, and save what they return.

Every ledger or status change bumps `rev`; every edit of the settings a registration is
admitted under bumps `quotas_rev` too (store/ledger.py and handlers/admission.py rely on both).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain import Document
from services.registration.domain.agenda import (
    Fault,
    agenda_faults,
    agenda_in_utc,
    agenda_moved,
    people_faults,
    unplaceable_times,
)
from services.registration.domain.description import institution_faults, venue_faults
from services.registration.domain.errors import Refusal, field_refusal
from services.registration.domain.rules import (
    capacity_change_is_allowed,
    has_a_spanish_or_english_or_other_title,
    timezone_is_valid,
)
from shared.contracts.registration.rpc import CONFIRMATION_MINUTES, SessionFields, SessionOrder

REQUIRED = ("title", "format", "starts_at", "ends_at", "timezone", "languages")
DEFAULTS: dict[str, Any] = {
    "summary": {}, "topics": [], "interpretation": [], "capacity": None,
    "registration_opens_at": None, "registration_closes_at": None, "speakers": [],
    "requires_approval": False, "visibility": "public", "join_url": None, "country_quotas": [],
    "hold_until_confirmed": False, "confirmation_minutes": CONFIRMATION_MINUTES,
    "people": [], "agenda": [], "rationale": {}, "objectives": [], "keywords": [],
    "organisers": [], "partners": [], "parent_event": None, "venue": {"mode": "online"},
    "countries": [], "event_id": None, "certificate_threshold": None,
}
NESTED = ("people", "agenda", "organisers", "partners", "parent_event", "venue")
"""Fields holding models: stored whole, their unset optional parts included, so every stored
person, slot or institution has the same keys whatever the request left out."""
LEDGER_SETTINGS = ("capacity", "country_quotas", "hold_until_confirmed", "confirmation_minutes")
"""Fields only registration itself reads: editing them is not announced (`announces_change`)."""
SESSION_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def given(fields: SessionFields) -> dict[str, Any]:
    """The fields a request sets, country codes in upper case."""
    values = fields.model_dump(exclude_unset=True, exclude_none=True)
    whole = fields.model_dump(include=set(NESTED) & set(values))
    values.update(whole)
    for name in ("country_quotas", "speakers"):
        for item in values.get(name, []):
            if item.get("country"):
                item["country"] = item["country"].upper()
    return values


def new_session(session_id: str, fields: SessionFields, now: datetime) -> Document:
    """A draft session with an empty seat ledger; refused if incomplete or inconsistent."""
    values = {**copy.deepcopy(DEFAULTS), **given(fields)}
    missing = [name for name in REQUIRED if values.get(name) is None]
    if missing:
        raise Refusal("invalid", "Missing fields: " + ", ".join(missing),
                      {"errors": [{"loc": [m], "msg": "required"} for m in missing]})
    values = settled(values)
    return {
        "_id": session_id, "status": "draft", **values, "sequence": 0, "quotas_rev": 0,
        "rev": 0, "confirmed": 0, "seats": [], "waiting": [], "waitlist_next": 0,
        "promoted": 0, "quota_used": {q["country"]: 0 for q in values["country_quotas"]},
        "quota_holders": [], "no_shows_marked": False, "created_at": now, "updated_at": now,
        "outbox": [],
    }


def check(values: Mapping[str, Any]) -> None:
    """Refuse (`invalid`, naming the field) a session whose settings contradict each other."""
    if not has_a_spanish_or_english_or_other_title(values["title"]):
        raise field_refusal("title", "A title in at least one of es, en, pt, fr is required.")
    if not timezone_is_valid(values["timezone"]):
        raise field_refusal("timezone", "Not an IANA time zone name.")
    if values["ends_at"] <= values["starts_at"]:
        raise field_refusal("ends_at", "The session must end after it starts.")
    closes = values.get("registration_closes_at")
    if closes is not None and closes > values["starts_at"]:
        raise field_refusal("registration_closes_at", "Registration must close by the start.")
    if values.get("capacity") is not None and sum(
            q["seats"] for q in values["country_quotas"]) > values["capacity"]:
        raise field_refusal("country_quotas", "Quotas reserve more seats than the capacity.")


def settled(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` checked (`check`) with the agenda in UTC, refused (`invalid`, naming every
    faulty field of the agenda, people, venue and institutions) unless they fit together."""
    check(values)
    refuse_unless_fine(unplaceable_times(values.get("agenda") or [], values["timezone"]))
    result = {**values, "agenda": agenda_in_utc(values.get("agenda") or [],
                                                values["timezone"])}
    refuse_unless_fine([*people_faults(result.get("people") or []),
                        *agenda_faults(result),
                        *venue_faults(result.get("venue") or DEFAULTS["venue"]),
                        *institution_faults(result)])
    return result


def refuse_unless_fine(faults: list[Fault]) -> None:
    """Refuse (`invalid`) naming every fault, if there is any."""
    if faults:
        more = f" {len(faults) - 1} more fault(s) too." if len(faults) > 1 else ""
        raise Refusal("invalid", f"{faults[0]['msg']}{more} `errors` says where.",
                      {"errors": faults})


def with_agenda_moved(session: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` plus the agenda moved by as much as the start, when the start moves and no
    new agenda is given: a reschedule moves the agenda with the session."""
    if "starts_at" not in changes or "agenda" in changes or not session.get("agenda"):
        return dict(changes)
    delta = changes["starts_at"] - session["starts_at"]
    try:
        return {**changes, "agenda": agenda_moved(session["agenda"], delta)}
    except OverflowError:
        raise field_refusal("starts_at", "The agenda cannot move that far.") from None


def announces_change(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether an edit that did not move a published session is announced (`SessionChanged`):
    something those who keep a copy show changed, not only the settings of the seat ledger."""
    return before["status"] == "published" and any(
        before.get(name, DEFAULTS.get(name)) != after.get(name, DEFAULTS.get(name))
        for name in SessionFields.model_fields
        if name not in LEDGER_SETTINGS)


def patched(session: Document, changes: Mapping[str, Any], force: bool,
            now: datetime) -> tuple[Document, bool]:
    """The whole session after an edit, and whether it moved in time (a reschedule, which
    the caller announces: `events.session_rescheduled`)."""
    if session["status"] == "cancelled":
        raise Refusal("conflict", "The session was cancelled.")
    merged = settled({**session, **with_agenda_moved(session, changes)})
    if "capacity" in changes and not capacity_change_is_allowed(
            changes["capacity"], session["confirmed"], force):
        raise Refusal("conflict", f"{session['confirmed']} people are confirmed; lower "
                      "the capacity below that only with force (nobody is cancelled).")
    moved = session["status"] == "published" and (
        merged["starts_at"] != session["starts_at"] or merged["ends_at"] != session["ends_at"])
    merged.update(rev=session["rev"] + 1, quotas_rev=session["quotas_rev"] + 1,
                  updated_at=now, sequence=session["sequence"] + (1 if moved else 0))
    merged["quota_used"] = {q["country"]: session["quota_used"].get(q["country"], 0)
                            for q in merged["country_quotas"]}
    return merged, moved


def needs_publishing(session: Mapping[str, Any]) -> bool:
    """Whether publishing changes anything: not for a published session; refused unless it
    is a draft."""
    if session["status"] == "published":
        return False
    if session["status"] != "draft":
        raise Refusal("conflict", f"The session is {session['status']}.")
    return True


def published(now: datetime) -> dict[str, Any]:
    """The changes of publishing a draft."""
    return {"status": "published", "published_at": now}


def cancelled(reason: str, now: datetime) -> dict[str, Any]:
    """The changes of cancelling a session; `participants_due` says that its registrations
    are still to be cancelled, for the sweeper should that be interrupted."""
    return {"status": "cancelled", "cancel_reason": reason, "cancelled_at": now,
            "participants_due": now}


def shown(session: Mapping[str, Any], *, include_secret: bool) -> bool:
    """Whether a session is shown to the caller: a draft only to the secretariat."""
    return session["status"] != "draft" or include_secret


def session_position(session: Mapping[str, Any], order: SessionOrder) -> str:
    """Where a page ending with `session` stops: the `after` that resumes behind it."""
    if order == "created":
        return str(session["_id"])
    return f"{session['starts_at'].isoformat()}|{session['_id']}"


def position_of(after: str) -> tuple[datetime, str]:
    """The (starts_at, session id) a `session_position` names; refused if it is none."""
    instant, _, session_id = after.rpartition("|")
    try:
        starts_at: datetime | None = datetime.fromisoformat(instant)
    except ValueError:
        starts_at = None
    if starts_at is None or starts_at.tzinfo is None or not SESSION_ID.fullmatch(session_id):
        raise field_refusal("after", "`after` is not a position this service gave out.",
                            "malformed position")
    return starts_at, session_id
