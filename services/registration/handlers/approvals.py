"""The secretariat's decisions on registrations of sessions that require approval."""

from __future__ import annotations

from datetime import datetime

from services.registration.domain import registrations as transitions
from services.registration.domain.errors import Refusal
from services.registration.domain.registrations import approved_then_interrupted, require_reason
from services.registration.events import participant_entry
from services.registration.handlers import Deps, registration_of
from services.registration.handlers.placing import place_received
from services.registration.views import registered_view
from shared.contracts.registration.events import ParticipantRejected
from shared.contracts.registration.rpc import Registered


async def approve(deps: Deps, registration_id: str, now: datetime) -> Registered:
    """Approve a pending registration: it takes a seat or waits like any other.

    The approval is recorded first (pending -> `received` with `approved_at`: one conditional
    update, so approving twice places once), then it is placed like a new registration. A
    crash after that leaves it `received` and approved, and the sweeper places it (a retry
    of the approval too): an approval is never lost nor undone once recorded.
    """
    registration = await registration_of(deps, registration_id)
    approved = transitions.approved(now)
    if approved_then_interrupted(registration):
        approved["approved_at"] = registration["approved_at"]
    elif not await deps.store.record_approval(registration_id, approved):
        raise Refusal("conflict", f"The registration is {registration['status']}.")
    session = await deps.store.session(registration["session_id"])
    assert session is not None
    return await place_received(deps, {**registration, **approved}, session, now, fresh=False)


async def reject(deps: Deps, registration_id: str, reason: str | None,
                 now: datetime) -> Registered:
    """Reject a pending registration, with a reason (required) that is mailed."""
    reason = require_reason(reason)
    registration = await registration_of(deps, registration_id)
    session = await deps.store.session(registration["session_id"])
    assert session is not None
    event = participant_entry(ParticipantRejected, registration, session, deps.signer, now,
                              reason=reason)
    done = await deps.store.transition(registration_id, ("pending_approval",),
                                       transitions.rejected(now), [event])
    if done is None:
        raise Refusal("conflict", f"The registration is {registration['status']}.")
    deps.kick()
    return registered_view(done, created=False)
