"""Translation of session and registration documents into the shared event contracts.

The one place that knows which event carries what: the join URL only goes to people who hold
a seat (never to an address not yet confirmed), and every participant event of an active
registration carries the signed cancel token.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from services.registration.domain.registrations import HOLDS
from shared.contracts.events import Event
from shared.contracts.registration.desk import InvitationSent
from shared.contracts.registration.events import (
    CertificateIssued,
    Participant,
    ParticipantAttended,
    ParticipantAwaitingConfirmation,
    ParticipantCancelled,
    ParticipantConfirmed,
    ParticipantEvent,
    ParticipantExpired,
    ParticipantNoShow,
    ParticipantPending,
    ParticipantPromoted,
    ParticipantRejected,
    ParticipantWaitlisted,
    SessionCancelled,
    SessionChanged,
    SessionPublished,
    SessionRescheduled,
    SessionSnapshot,
    SessionTexts,
)
from shared.db import Document
from shared.ids import new_id
from shared.outbox import outbox_entry
from shared.tokens import Signer

SOURCE = "dialogues/registration"
CANCEL_ACTION = "cancel_registration"
CONFIRM_ACTION = "confirm_registration"
CERTIFICATE_LINK_TTL = timedelta(days=365)
"""How long the link mailed with a certificate opens the participant's page: the session is
over by then, so the usual cancel token (valid until its end) would lapse at once."""
SEAT_HOLDER_EVENTS: tuple[type[ParticipantEvent], ...] = (
    ParticipantConfirmed, ParticipantPromoted, ParticipantAttended)


def snapshot(session: Document, *, with_join_url: bool = False) -> SessionSnapshot:
    """The session as events describe it."""
    return SessionSnapshot(
        session_id=session["_id"], title=session["title"], summary=session.get("summary", {}),
        format=session["format"], topics=session.get("topics", []),
        starts_at=session["starts_at"], ends_at=session["ends_at"],
        timezone=session["timezone"], languages=session["languages"],
        interpretation=session.get("interpretation", []), sequence=session.get("sequence", 0),
        join_url=session.get("join_url") if with_join_url else None,
        countries=session.get("countries", []), venue=session.get("venue"),
        slots=[slot["key"] for block in session.get("agenda", []) for slot in block["slots"]],
        event_id=session.get("event_id"),
    )


def entry(event: Event, now: datetime, subject: str, event_id: str | None = None) -> Document:
    """An outbox entry for `event` with `event_id`, else a fresh id."""
    return outbox_entry(event, event_id=event_id or new_id(now), source=SOURCE, now=now,
                        subject=subject)


def session_published(session: Document, now: datetime) -> Document:
    """A session is published once: its event id is fixed, so a write redone after a crash
    queues the same event, and it is deduplicated."""
    return entry(SessionPublished(session=snapshot(session)), now, session["_id"],
                 event_id=f"{session['_id']}-SessionPublished")


def session_cancelled(session: Document, reason: str, now: datetime) -> Document:
    """A session is cancelled once (a fixed event id, as `session_published`)."""
    return entry(SessionCancelled(session=snapshot(session), reason=reason), now,
                 session["_id"], event_id=f"{session['_id']}-SessionCancelled")


def session_rescheduled(after: Document, before: Document, now: datetime) -> Document:
    """A session moved in time, once per `sequence` (a fixed event id per sequence)."""
    return entry(SessionRescheduled(
        session=snapshot(after), previous_starts_at=before["starts_at"],
        previous_ends_at=before["ends_at"]), now, before["_id"],
        event_id=f"{before['_id']}-SessionRescheduled-{after['sequence']}")


def session_changed(after: Document, now: datetime) -> Document:
    """A published session edited without moving, once per edit: its `rev` (bumped by every
    write of the session) fixes the event id, so a write redone queues the same event."""
    return entry(SessionChanged(session=snapshot(after)), now, after["_id"],
                 event_id=f"{after['_id']}-SessionChanged-{after['rev']}")


def session_texts(session: Document, source_language: str, texts: dict[str, Any],
                  now: datetime) -> Document:
    """The texts to translate, once per `text_revision` (a fixed event id per revision)."""
    return entry(SessionTexts(session_id=session["_id"], text_revision=session["text_revision"],
                              source_language=source_language, texts=texts), now,
                 session["_id"], event_id=f"{session['_id']}-SessionTexts-"
                 f"{session['text_revision']}")


def cancel_token(signer: Signer, registration: Document, session: Document,
                 now: datetime) -> str:
    """A token to cancel this registration, valid until the session ends."""
    ttl = max(session["ends_at"] - now, timedelta(hours=1))
    return signer.issue(registration["_id"], CANCEL_ACTION, now=now, ttl=ttl)


def confirm_token(signer: Signer, registration: Document, confirm_by: datetime,
                  now: datetime) -> str:
    """A token to confirm this registration's address, valid until its place is released."""
    return signer.issue(registration["_id"], CONFIRM_ACTION, now=now, ttl=confirm_by - now)


def held_extra(signer: Signer, registration: Document, confirm_by: datetime,
               placed: str | None, now: datetime) -> dict[str, Any]:
    """What the event of a registration now awaiting the confirmation of its address adds:
    the deadline, what it holds meanwhile, and the token to confirm with."""
    return {"confirm_by": confirm_by, "holds": HOLDS.get(placed or "", "nothing"),
            "confirm_token": confirm_token(signer, registration, confirm_by, now)}


def participant_entry(
    kind: type[ParticipantEvent], registration: Document, session: Document,
    signer: Signer, now: datetime, *, occurrence: str | None = None, **extra: object,
) -> Document:
    """The outbox entry of one participant event; `occurrence` tells apart the events of a
    kind that may happen several times to one registration (e.g. the hour of a mail)."""
    active = kind not in (ParticipantCancelled, ParticipantRejected, ParticipantNoShow,
                          ParticipantExpired)
    event = kind(
        registration_id=registration["_id"],
        participant=Participant(
            name=registration["name"], email=registration["email"],
            preferred_language=registration["preferred_language"],
            country=registration["country"], sector=registration.get("sector"),
            gender=registration.get("gender")),
        session=snapshot(session, with_join_url=kind in SEAT_HOLDER_EVENTS),
        cancel_token=cancel_token(signer, registration, session, now) if active else None,
        **extra,
    )
    # One id per (registration, kind): each kind happens at most once to a registration, so a
    # write redone after a crash (the sweeper finishing a registration) queues the SAME event,
    # which JetStream's dedupe and the consumers' inbox drop instead of mailing twice.
    event_id = f"{registration['_id']}-{kind.__name__}"
    return entry(event, now, registration["_id"],
                 event_id=f"{event_id}.{occurrence}" if occurrence else event_id)


STATUS_EVENT: dict[str, type[ParticipantEvent]] = {
    "confirmed": ParticipantConfirmed, "waitlisted": ParticipantWaitlisted,
    "pending_approval": ParticipantPending,
    "awaiting_confirmation": ParticipantAwaitingConfirmation,
}


def certificate_issued(registration: Document, session: Document, signer: Signer,
                       certificate: Document, now: datetime,
                       supersedes: str | None = None) -> Document:
    """A certificate is ready; one event per code (its id names the code), so a write redone
    after a crash queues the same event."""
    event = CertificateIssued(
        registration_id=registration["_id"],
        participant=Participant(
            name=certificate["name"], email=registration["email"],
            preferred_language=registration["preferred_language"],
            country=registration["country"], sector=registration.get("sector"),
            gender=registration.get("gender")),
        session=snapshot(session),
        cancel_token=signer.issue(registration["_id"], CANCEL_ACTION, now=now,
                                  ttl=CERTIFICATE_LINK_TTL),
        code=certificate["code"], languages=certificate["languages"], supersedes=supersedes)
    return entry(event, now, registration["_id"],
                 event_id=f"{registration['_id']}-CertificateIssued.{certificate['code']}")


def invitation_sent(invitation: Document, session: Document, token: str,
                    now: datetime) -> Document:
    """An invitation is mailed once: its event id is fixed by the invitation's."""
    return entry(InvitationSent(
        invitation_id=invitation["_id"], name=invitation["name"], email=invitation["email"],
        language=invitation["language"], session=snapshot(session), token=token),
        now, session["_id"], event_id=f"{invitation['_id']}-InvitationSent")
