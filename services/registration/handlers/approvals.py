"""The secretariat's decisions on registrations of sessions that require approval."""

from __future__ import annotations

from datetime import datetime

from services.registration.events import participant_entry
from services.registration.handlers import Deps
from services.registration.handlers.registrations import finish, registration_of, view_of
from shared.bus import ServiceError
from shared.contracts.registration import ParticipantRejected, Registered


async def approve(deps: Deps, registration_id: str, now: datetime) -> Registered:
    """Approve a pending registration: it takes a seat or waits like any other.

    It goes back to `received` first (one conditional update: approving twice places once);
    a crash right after leaves it `received`, and the sweeper puts it back to pending.
    """
    registration = await registration_of(deps, registration_id)
    if not await _reopen(deps, registration_id):
        raise ServiceError("conflict", f"The registration is {registration['status']}.")
    session = await deps.store.session(registration["session_id"])
    assert session is not None
    return await finish(deps, {**registration, "status": "received"},
                        {**session, "requires_approval": False}, now, fresh=False)


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


async def _reopen(deps: Deps, registration_id: str) -> bool:
    """pending_approval -> received, so `finish` places it exactly like a new one."""
    return await deps.store.set_registration(
        registration_id, {"status": "pending_approval"}, {"status": "received"}, [])
