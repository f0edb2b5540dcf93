"""Whether a person may register for a session now, decided on a read that may be remembered.

A burst of registrations for one session would otherwise read that session once per person.
A remembered summary is as good as a fresh read here because the first ledger write of the
registration expects the summary's `quotas_rev` (bumped by every edit of the session) and its
status: if either changed, `place` raises SessionChanged and the person is admitted again on a
fresh read. Refusals always rest on a fresh read. Sessions that require approval are always
read: their registrations wait for the secretariat without a ledger write to confirm them.
"""

from __future__ import annotations

from datetime import datetime

from services.registration.domain.errors import Refusal, no_session
from services.registration.domain.registrations import refuse_unless_admitted
from services.registration.handlers import Deps
from services.registration.handlers.tokens import check_invitation
from shared.contracts.registration.rpc import RegistrationForm
from shared.db import Document


async def admitting_session(deps: Deps, session_id: str, form: RegistrationForm,
                            now: datetime, *, fresh: bool = False) -> Document:
    """The session (a summary) this person may register for now; a refusal otherwise."""
    remembered = None if fresh else deps.store.remembered_summary(session_id)
    if remembered is not None and remembered["status"] == "published" \
            and not remembered["requires_approval"]:
        try:
            admit(deps, remembered, form, now)
        except Refusal:
            pass  # maybe stale: decide on a fresh read
        else:
            return remembered
    session = await deps.store.session_summary(session_id)
    if session is None:
        raise no_session(session_id)
    admit(deps, session, form, now)
    return session


def admit(deps: Deps, session: Document, form: RegistrationForm, now: datetime) -> None:
    """Refuse unless this person may register for `session` at `now`, invited if need be."""
    refuse_unless_admitted(session, form, now)
    check_invitation(deps.signer, session, form.invitation_token, now)
