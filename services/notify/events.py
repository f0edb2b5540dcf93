"""The one place notify turns its state into event contracts: what became of a mail, as
`MailSent` or `MailFailed`, ready for the delivery record's outbox.

Neither carries an address or a name. Event ids are stable per attempt
(`<delivery>|<outcome>|<attempt>`): an outcome recorded again after a crash is the same event,
which JetStream's dedupe drops, and a mail retried then failed publishes each outcome once.
"""

from __future__ import annotations

from services.notify.domain.delivery import Attempted, Delivery
from shared.contracts.notify.events import MailFailed, MailSent
from shared.db import Document
from shared.outbox import outbox_entry

SOURCE = "dialogues/notify"


def outcome_events(delivery: Delivery, outcome: Attempted) -> list[Document]:
    """The outbox entries of one attempt's outcome: none while the mail waits for a retry."""
    if outcome.status == "sent":
        sent = MailSent(delivery_id=delivery.id, kind=delivery.kind,
                        source_id=delivery.source_id, session_id=delivery.session_id,
                        registration_id=delivery.registration_id, attempts=delivery.attempts,
                        message_id=delivery.message_id)
        return [_entry(sent, delivery, outcome)]
    if outcome.status == "failed":
        failed = MailFailed(delivery_id=delivery.id, kind=delivery.kind,
                            source_id=delivery.source_id, session_id=delivery.session_id,
                            registration_id=delivery.registration_id,
                            attempts=delivery.attempts, smtp_code=outcome.smtp_code,
                            reason=outcome.reason or "")
        return [_entry(failed, delivery, outcome)]
    return []


def _entry(event: MailSent | MailFailed, delivery: Delivery, outcome: Attempted) -> Document:
    return outbox_entry(event, event_id=f"{delivery.id}|{outcome.status}|{delivery.attempt_id}",
                        source=SOURCE, now=outcome.at)
