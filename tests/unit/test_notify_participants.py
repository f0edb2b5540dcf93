"""What each participant event means to notify, and what an SMTP answer makes of a mail:
the small rules of `domain.participants` and `domain.delivery`, each on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from services.notify.domain.delivery import Delivery, SmtpResult, attempted
from services.notify.domain.participants import (
    MAIL_KIND,
    applies_once_by_itself,
    invitation_method,
    left_by,
    mail_kind,
    overtaken,
    session_mail_of,
    told_by_the_session_mail,
)
from services.notify.domain.subscriptions import follows_pair, mailed_at_once, reads_documents
from services.notify.entrypoints import SELF_DEDUPLICATING
from shared.contracts.registration import events as reg

pytestmark = pytest.mark.unit
T0 = datetime(2030, 5, 1, 12, tzinfo=UTC)
SESSION = reg.SessionSnapshot(session_id="ses-1", title={"es": "Compras"}, format="webinar",
                              starts_at=T0, ends_at=T0 + timedelta(hours=1),
                              timezone="America/Bogota", languages=["es"])
PERSON = reg.Participant(name="Ana", email="ana@example.org", preferred_language="es",
                         country="CO")


def cancelled(by: Literal["participant", "secretariat", "session_cancelled"]
              ) -> reg.ParticipantCancelled:
    return reg.ParticipantCancelled(registration_id="reg-1", participant=PERSON,
                                    session=SESSION, cancelled_by=by)


def test_the_kind_of_mail_comes_from_the_event_class() -> None:
    confirmed = reg.ParticipantConfirmed(registration_id="reg-1", participant=PERSON,
                                         session=SESSION)
    assert mail_kind(confirmed) == "confirmed"
    assert mail_kind(cancelled("participant")) == "cancelled"
    assert MAIL_KIND[reg.ParticipantNoShow] == "no_show"
    assert reg.ParticipantExpired not in MAIL_KIND  # the confirmation mail said it all


def test_only_seats_and_cancellations_carry_an_invitation() -> None:
    assert invitation_method("confirmed") == invitation_method("promoted") == "REQUEST"
    assert invitation_method("cancelled") == "CANCEL"
    assert invitation_method("waitlisted") is None


def test_a_late_seat_is_not_mailed_but_a_late_refusal_is() -> None:
    assert overtaken("confirmed", fresh=False)
    assert not overtaken("confirmed", fresh=True)
    assert not overtaken("rejected", fresh=False)


def test_only_attendance_needs_the_inbox_among_participant_events() -> None:
    # Attendance writes the audience record without the event's id: a copy could write over
    # a newer change. Every other kind is applied once by its own writes.
    assert [kind for kind in MAIL_KIND.values() if not applies_once_by_itself(kind)] == [
        "attended"]
    assert reg.ParticipantAttended.subject() not in SELF_DEDUPLICATING
    assert {reg.ParticipantConfirmed.subject(), reg.ParticipantCancelled.subject(),
            reg.CertificateIssued.subject()} <= SELF_DEDUPLICATING
    assert reg.SessionRescheduled.subject() not in SELF_DEDUPLICATING


def test_a_cancellation_with_its_session_is_told_by_the_session_mail() -> None:
    assert told_by_the_session_mail(cancelled("session_cancelled"))
    assert not told_by_the_session_mail(cancelled("participant"))
    assert left_by(cancelled("secretariat"), "cancelled") == "secretariat"


def test_a_waitlisted_mail_mentions_the_place() -> None:
    event = reg.ParticipantWaitlisted(registration_id="reg-1", participant=PERSON,
                                      session=SESSION, waitlist_position=3)
    mail = session_mail_of(event, "waitlisted")
    assert (mail.kind, mail.name, mail.position, mail.reason) == ("waitlisted", "Ana", 3, None)


def delivery(attempts: int) -> Delivery:
    return Delivery(id="d", order="o", kind="confirmed", status="sending", source_id="e",
                    to="ana@example.org", to_hash="h", language="es", message_id="<m@x>",
                    created_at=T0, attempts=attempts, attempt_id="a")


def test_a_temporary_refusal_is_retried_until_the_attempts_run_out() -> None:
    busy = SmtpResult(False, 451, "busy")
    again = attempted(delivery(1), busy, T0, max_attempts=2, retry_base_seconds=30)
    assert (again.status, again.retry_at) == ("queued", T0 + timedelta(seconds=30))
    given_up = attempted(delivery(2), busy, T0, max_attempts=2, retry_base_seconds=30)
    assert (given_up.status, given_up.reason) == ("failed", "gave up after temporary failures")


def test_a_permanent_refusal_fails_at_once_and_an_accepted_mail_is_sent() -> None:
    refused = attempted(delivery(1), SmtpResult(False, 550, "no such user"), T0,
                        max_attempts=8, retry_base_seconds=30)
    assert (refused.status, refused.reason) == ("failed", "refused permanently")
    sent = attempted(delivery(1), SmtpResult(True, 250, "ok"), T0, max_attempts=8,
                     retry_base_seconds=30)
    assert (sent.status, sent.retry_at) == ("sent", None)


def test_who_hears_of_what() -> None:
    translator = {"frequency": "daily", "documents": False, "translation_pairs": ["es>en"]}
    assert follows_pair(translator, "es", "en") and not follows_pair(translator, "en", "es")
    assert not reads_documents(translator) and not mailed_at_once(translator)
    assert reads_documents({"frequency": "immediate"})
