"""How a `Delivery` is stored and read back: due times and leases as epoch milliseconds
(see `times`), the rendered message inline as `raw` (a large one, and those of older records,
apart in `mail_bodies`)."""

from __future__ import annotations

from services.notify.domain.delivery import Delivery, Hold
from services.notify.store.times import from_ms, ms
from shared.db import Document


def queued_record(delivery: Delivery, raw: str | None = None,
                  hold: Hold | None = None) -> Document:
    """The stored record of a newly queued mail, with its message unless stored apart, and
    claimed if `hold` (then `delivery` is as `held_by` makes it)."""
    at = ms(delivery.created_at)
    record: Document = {
        "_id": delivery.id, "order": delivery.order, "kind": delivery.kind,
        "status": delivery.status,
        "source_id": delivery.source_id, "session_id": delivery.session_id,
        "registration_id": delivery.registration_id, "to": delivery.to,
        "to_hash": delivery.to_hash, "language": delivery.language,
        "message_id": delivery.message_id, "attempts": delivery.attempts,
        "next_attempt_ms": at, "lease_until_ms": None if hold is None else ms(hold.until),
        "created_at": delivery.created_at, "updated_ms": at,
        "sent_ms": None, "smtp_code": None, "smtp_response": None,
        "subscription_id": delivery.subscription_id, "trace": delivery.trace, "outbox": [],
    }
    if hold is not None:
        record |= {"owner": hold.owner, "attempt_id": hold.attempt_id}
    if raw is not None:
        record["raw"] = raw
    return record


def delivery_of(record: Document) -> Delivery:
    """A stored record as a `Delivery`."""
    return Delivery(
        id=record["_id"], order=record.get("order", ""), kind=record["kind"],
        status=record["status"], source_id=record["source_id"], to=record["to"],
        to_hash=record.get("to_hash", ""), language=record["language"],
        message_id=record["message_id"], created_at=record["created_at"],
        attempts=record["attempts"], session_id=record.get("session_id"),
        registration_id=record.get("registration_id"),
        subscription_id=record.get("subscription_id"), smtp_code=record.get("smtp_code"),
        smtp_response=record.get("smtp_response"), sent_at=from_ms(record.get("sent_ms")),
        attempt_id=record.get("attempt_id"), trace=record.get("trace") or {},
        inline_body=record.get("raw"))
