"""Creating, changing, publishing and cancelling sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.registration.domain.rules import (
    capacity_change_is_allowed,
    has_a_spanish_or_english_or_other_title,
    timezone_is_valid,
)
from services.registration.events import entry, participant_entry, snapshot
from services.registration.handlers import Deps
from services.registration.handlers.seats import fill_free_seats
from services.registration.ids import id_floor, new_id
from shared.bus import ServiceError
from shared.contracts.registration import (
    CONFIRMATION_MINUTES,
    ParticipantCancelled,
    SessionCancelled,
    SessionFields,
    SessionPublished,
    SessionRescheduled,
)
from shared.db import Document

REQUIRED = ("title", "format", "starts_at", "ends_at", "timezone", "languages")
DEFAULTS: dict[str, Any] = {
    "summary": {}, "topics": [], "interpretation": [], "capacity": None,
    "registration_opens_at": None, "registration_closes_at": None, "speakers": [],
    "requires_approval": False, "visibility": "public", "join_url": None, "country_quotas": [],
    "hold_until_confirmed": False, "confirmation_minutes": CONFIRMATION_MINUTES,
}


async def create_session(deps: Deps, fields: SessionFields, now: datetime) -> Document:
    """A draft session with an empty seat ledger."""
    values = {**DEFAULTS, **_given(fields)}
    missing = [name for name in REQUIRED if values.get(name) is None]
    if missing:
        raise ServiceError("invalid", "Missing fields: " + ", ".join(missing),
                           {"errors": [{"loc": [m], "msg": "required"} for m in missing]})
    _check(values)
    document: Document = {
        "_id": new_id(now), "status": "draft", **values, "sequence": 0, "quotas_rev": 0, "rev": 0,
        "confirmed": 0, "seats": [], "waiting": [], "waitlist_next": 0, "promoted": 0,
        "quota_used": {q["country"]: 0 for q in values["country_quotas"]},
        "quota_holders": [], "no_shows_marked": False, "created_at": now, "updated_at": now,
        "outbox": [],
    }
    await deps.store.insert_session(document)
    return document


async def patch_session(deps: Deps, session_id: str, fields: SessionFields, *,
                        unset_capacity: bool, force: bool, now: datetime) -> Document:
    """Change a session; a new time is a reschedule, more capacity promotes waiters.

    The whole document is replaced if its `rev` (bumped by every ledger and status change)
    is still the one read, so no concurrent seat claim is lost; a lost race tries again.
    """
    changes = _given(fields)
    if unset_capacity:
        changes["capacity"] = None
    for _ in range(20):
        session = await deps.store.session(session_id, with_outbox=True)
        if session is None:
            raise ServiceError("not_found", f"There is no session {session_id!r}.")
        if await deps.store.replace_session(session_id, session["rev"],
                                            _patched(session, changes, force, now)):
            deps.kick()
            await fill_free_seats(deps, session_id, now)
            return await _session(deps, session_id)
    raise ServiceError("unavailable", "The session is changing; try again.")


def _patched(session: Document, changes: dict[str, Any], force: bool,
             now: datetime) -> Document:
    if session["status"] == "cancelled":
        raise ServiceError("conflict", "The session was cancelled.")
    merged = {**session, **changes}
    _check(merged)
    if "capacity" in changes and not capacity_change_is_allowed(
            changes["capacity"], session["confirmed"], force):
        raise ServiceError("conflict", f"{session['confirmed']} people are confirmed; lower "
                           "the capacity below that only with force (nobody is cancelled).")
    moved = session["status"] == "published" and (
        merged["starts_at"] != session["starts_at"] or merged["ends_at"] != session["ends_at"])
    merged.update(rev=session["rev"] + 1, quotas_rev=session["quotas_rev"] + 1,
                  updated_at=now, sequence=session["sequence"] + (1 if moved else 0))
    merged["quota_used"] = {q["country"]: session["quota_used"].get(q["country"], 0)
                            for q in merged["country_quotas"]}
    if moved:
        # Entries the relay removed after our read come back here; they keep their ids, so
        # JetStream's duplicate window drops the second publish.
        merged["outbox"] = [*session["outbox"], entry(SessionRescheduled(
            session=snapshot(merged), previous_starts_at=session["starts_at"],
            previous_ends_at=session["ends_at"]), now, session["_id"],
            event_id=f"{session['_id']}-SessionRescheduled-{merged['sequence']}")]
    return merged


async def publish(deps: Deps, session_id: str, now: datetime) -> Document:
    """Publish a draft (publishing a published session changes nothing)."""
    session = await _session(deps, session_id)
    if session["status"] == "published":
        return session
    if session["status"] != "draft":
        raise ServiceError("conflict", f"The session is {session['status']}.")
    # Fixed event ids (a session is published once, cancelled once, rescheduled once per
    # sequence): a write redone after a crash queues the same event, and it is deduplicated.
    event = entry(SessionPublished(session=snapshot(session)), now, session_id,
                  event_id=f"{session_id}-SessionPublished")
    # Stamps set by `$set` are ISO strings: the embedded stand-in turns a datetime given to
    # `$set` into a string anyway, and these are only ever shown, never compared in a query.
    changes = {"status": "published", "published_at": now.isoformat()}
    if await deps.store.update_session(session_id, {"status": "draft"},
                                       {"$set": changes, "$inc": {"rev": 1}}, [event]):
        deps.kick()
    return await _session(deps, session_id)


async def cancel_session(deps: Deps, session_id: str, reason: str, now: datetime) -> Document:
    """Cancel a session, then every active registration, each with its own event.

    The session's write records `participants_due` with its own event; the registrations
    follow, each in one conditional write with a fixed event id. If that is interrupted, the
    sweeper (or cancelling again) finishes it, and nobody is told twice.
    """
    session = await _session(deps, session_id)
    if session["status"] != "cancelled":
        event = entry(SessionCancelled(session=snapshot(session), reason=reason), now,
                      session_id, event_id=f"{session_id}-SessionCancelled")
        await deps.store.update_session(
            session_id, {"status": session["status"]},
            {"$set": {"status": "cancelled", "cancel_reason": reason,
                      "cancelled_at": now.isoformat(), "participants_due": id_floor(now)},
             "$inc": {"rev": 1}},
            [event])
    await cancel_participants(deps, {**session, "status": "cancelled"}, now)
    deps.kick()
    return await _session(deps, session_id)


async def cancel_participants(deps: Deps, session: Document, now: datetime) -> None:
    """Cancel every active registration of a cancelled session, then note it done."""
    for registration in await deps.store.registrations_matching(
            {"session_id": session["_id"],
             "status": {"$in": ["confirmed", "waitlisted", "pending_approval",
                                "awaiting_confirmation"]}}):
        mail = participant_entry(ParticipantCancelled, registration, session, deps.signer,
                                 now, cancelled_by="session_cancelled")
        await deps.store.advance(registration["_id"], (registration["status"],),
                                 {"status": "cancelled", "cancelled_at": now.isoformat()},
                                 [mail])
    await deps.store.update_session(session["_id"], {}, {"$set": {"participants_due": None}})


def _given(fields: SessionFields) -> dict[str, Any]:
    values = fields.model_dump(exclude_unset=True, exclude_none=True)
    for name in ("country_quotas", "speakers"):
        for item in values.get(name, []):
            if item.get("country"):
                item["country"] = item["country"].upper()
    return values


def _check(values: Document) -> None:
    def bad(field: str, message: str) -> ServiceError:
        return ServiceError("invalid", message, {"errors": [{"loc": [field], "msg": message}]})

    if not has_a_spanish_or_english_or_other_title(values["title"]):
        raise bad("title", "A title in at least one of es, en, pt, fr is required.")
    if not timezone_is_valid(values["timezone"]):
        raise bad("timezone", "Not an IANA time zone name.")
    if values["ends_at"] <= values["starts_at"]:
        raise bad("ends_at", "The session must end after it starts.")
    closes = values.get("registration_closes_at")
    if closes is not None and closes > values["starts_at"]:
        raise bad("registration_closes_at", "Registration must close by the start.")
    if values.get("capacity") is not None and sum(
            q["seats"] for q in values["country_quotas"]) > values["capacity"]:
        raise bad("country_quotas", "Quotas reserve more seats than the capacity.")


async def _session(deps: Deps, session_id: str) -> Document:
    session = await deps.store.session(session_id)
    if session is None:
        raise ServiceError("not_found", f"There is no session {session_id!r}.")
    return session
