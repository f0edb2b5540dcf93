"""Documents as the API shows them.

The join URL only when the secretariat asks, or for a confirmed participant's own page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from services.registration.domain.registrations import deadline_of
from services.registration.domain.rules import participant_may_cancel, seats_left
from shared.contracts.registration.desk import InvitationView
from shared.contracts.registration.rpc import (
    CONFIRMATION_MINUTES,
    ParticipantPage,
    Registered,
    RegistrationView,
    SessionView,
)
from shared.db import Document
from shared.reference import member_state


def session_view(session: Document, *, include_secret: bool = False) -> SessionView:
    """The API shape of a session."""
    return SessionView(
        id=session["_id"], status=session["status"], title=session["title"],
        summary=session.get("summary", {}), format=session["format"],
        topics=session.get("topics", []), starts_at=session["starts_at"],
        ends_at=session["ends_at"], timezone=session["timezone"],
        languages=session["languages"], interpretation=session.get("interpretation", []),
        capacity=session.get("capacity"),
        seats_left=seats_left(session.get("capacity"), session["confirmed"]),
        confirmed=session["confirmed"], waiting=len(session["waiting"]),
        registration_opens_at=session.get("registration_opens_at"),
        registration_closes_at=session.get("registration_closes_at"),
        speakers=session.get("speakers", []), requires_approval=session["requires_approval"],
        visibility=session["visibility"], country_quotas=session.get("country_quotas", []),
        sequence=session.get("sequence", 0),
        join_url=session.get("join_url") if include_secret else None,
        hold_until_confirmed=session.get("hold_until_confirmed", False),
        confirmation_minutes=session.get("confirmation_minutes", CONFIRMATION_MINUTES),
        people=session.get("people", []), agenda=session.get("agenda", []),
        rationale=session.get("rationale", {}), objectives=session.get("objectives", []),
        keywords=session.get("keywords", []),
        organisers=[institution_view(i) for i in session.get("organisers", [])],
        partners=[institution_view(i) for i in session.get("partners", [])],
        parent_event=session.get("parent_event"),
        venue=session.get("venue") or {"mode": "online"},
        countries=session.get("countries", []), event_id=session.get("event_id"),
        certificate_threshold=session.get("certificate_threshold"),
        provenance=_provenance(session) if include_secret else None,
    )


def institution_view(institution: Mapping[str, Any]) -> dict[str, Any]:
    """An organiser or partner as shown: a member state's agency named from the reference
    data (`agency_name`; its `name` too unless one was given) and placed in that country."""
    shown = dict(institution)
    state = member_state(institution["agency"]) if institution.get("agency") else None
    if state is not None:
        shown["agency_name"] = state.agency
        shown["name"] = institution.get("name") or state.agency
        shown["country"] = institution.get("country") or state.iso2
    return shown


def _provenance(session: Document) -> dict[str, Any] | None:
    """Where an announced session came from (its `rev` mark is bookkeeping, not shown)."""
    origin = session.get("provenance")
    return None if origin is None else {k: v for k, v in origin.items() if k != "rev"}


def participant_page(registration: Document, session: Document,
                     now: datetime) -> ParticipantPage:
    """The registration as its holder sees it; the join URL only while confirmed."""
    confirmed = registration["status"] == "confirmed" and session["status"] == "published"
    return ParticipantPage(
        registration_id=registration["_id"], status=registration["status"],
        waitlist_position=registration.get("waitlist_position"),
        name=registration.get("name"), preferred_language=registration["preferred_language"],
        session=session_view(session), join_url=session.get("join_url") if confirmed else None,
        can_cancel=participant_may_cancel(registration["status"], session, now),
        confirm_by=deadline_of(registration),
        certificate=(registration.get("certificate") or {}).get("code"))


def registered_view(registration: Document, *, created: bool) -> Registered:
    """A registration as the answer to a command on it shows it."""
    return Registered(registration_id=registration["_id"], status=registration["status"],
                      waitlist_position=registration.get("waitlist_position"), created=created,
                      confirm_by=deadline_of(registration))


def registration_view(registration: Document) -> RegistrationView:
    """The secretariat's view of one registration."""
    return RegistrationView(
        id=registration["_id"], session_id=registration["session_id"],
        status=registration["status"], waitlist_position=registration.get("waitlist_position"),
        name=registration.get("name"), email=registration.get("email"),
        country=registration["country"], member_state=registration["member_state"],
        institution=registration.get("institution"), sector=registration["sector"],
        job_title=registration.get("job_title"), gender=registration.get("gender"),
        preferred_language=registration["preferred_language"],
        accessibility_needs=registration.get("accessibility_needs"),
        registered_at=registration["registered_at"],
        promoted=registration.get("promoted_at") is not None,
        attendance_minutes=registration.get("attendance_minutes"),
        attendance=registration.get("attendance"),
    )


def invitation_view(invitation: Document) -> InvitationView:
    """The secretariat's view of one personal invitation (never its token)."""
    return InvitationView.model_validate(
        {"id": invitation["_id"], **{k: invitation.get(k) for k in INVITATION_FIELDS}})


INVITATION_FIELDS = ("session_id", "name", "email", "language", "status", "sent_at",
                     "registration_id", "used_at", "revoked_at")
