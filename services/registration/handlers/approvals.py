"""The secretariat's decisions on registrations of sessions that require approval."""

from __future__ import annotations

from datetime import datetime

from services.registration.events import participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.registrations import finish, registration_of, view_of
from shared.bus import ServiceError
from shared.contracts.registration import ParticipantRejected, Registered
from shared.db import Document


async def approve(deps: Deps, registration_id: str, now: datetime) -> Registered:
    """Approve a pending registration: it takes a seat or waits like any other.

    The approval is recorded first (pending -> `received` with `approved_at`: one conditional
    update, so approving twice places once), then it is placed like a new registration. A
    crash after that leaves it `received` and approved, and the sweeper places it (a retry
    of the approval too): an approval is never lost nor undone once recorded.
    """
    registration = await registration_of(deps, registration_id)
    approved = {"status": "received", "approved_at": now.isoformat()}
    if _interrupted(registration):
        approved["approved_at"] = registration["approved_at"]
    elif not await deps.store.set_registration(
            registration_id, {"status": "pending_approval"}, approved, []):
        raise ServiceError("conflict", f"The registration is {registration['status']}.")
    session = await deps.store.session(registration["session_id"])
    assert session is not None
    return await finish(deps, {**registration, **approved}, session, now, fresh=False)


def _interrupted(registration: Document) -> bool:
    """Approved, and not yet placed (a crash, or an approval still under way)."""
    return registration["status"] == "received" and registration.get("approved_at") is not None


async def reject(deps: Deps, registration_id: str, reason: str, now: datetime) -> Registered:
    """Reject a pending registration, with a reason that is mailed."""
    registration = await registration_of(deps, registration_id)
    session = await deps.store.session(registration["session_id"])
    assert session is not None
    event = participant_entry(ParticipantRejected, registration, session, deps.signer, now,
                              reason=reason)
    done = await deps.store.transition(registration_id, ("pending_approval",),
                                       {"status": "rejected",
                                        "rejected_at": now.isoformat()}, [event])
    if done is None:
        raise ServiceError("conflict", f"The registration is {registration['status']}.")
    deps.kick()
    return view_of(done, created=False)
