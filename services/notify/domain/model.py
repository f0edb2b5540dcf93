"""Mail kinds, recipients, reminders and the identity of a delivery."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from shared.contracts.notify.rpc import MailKind as MailKind  # re-exported: notify names it here
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode

MAIL_KINDS: tuple[MailKind, ...] = get_args(MailKind)
NON_TRANSACTIONAL: frozenset[MailKind] = frozenset({"document_published", "document_translated",
                                                   "digest", "translation_job",
                                                   "session_announced"})
"""Mail a marketing opt-out stops; it carries List-Unsubscribe (RFC 8058)."""

DeliveryStatus = Literal["queued", "sending", "sent", "failed", "suppressed"]


@dataclass(frozen=True)
class Recipient:
    """Someone to mail: the address stays in mail and the database, never in logs."""

    email: str
    name: str
    language: LanguageCode
    registration_id: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Reminder:
    """One planned reminder of one session, held by `owner` while it is sent."""

    id: str
    session: SessionSnapshot
    """The session as the newest event described it: the reminder goes with its start."""
    offset: int
    """Minutes before the start."""
    sequence: int
    owner: str


def recipient_hash(email: str) -> str:
    """A stable, non-reversible-at-a-glance key for an address (case-insensitive)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def delivery_id(source_id: str, kind: MailKind, email: str) -> str:
    """One delivery per (source event or reminder, kind, recipient): the unique `_id`."""
    return f"{source_id}|{kind}|{recipient_hash(email)}"


def message_id(delivery: str, domain: str) -> str:
    """A Message-ID that is the same for every attempt of one delivery."""
    digest = hashlib.sha256(delivery.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def mask_email(email: str) -> str:
    """`m***@e***.org`: enough to recognise, not to harvest."""
    local, _, domain = email.partition("@")
    host, dot, tld = domain.rpartition(".")
    masked_host = (host[:1] + "***") if host else "***"
    return f"{local[:1]}***@{masked_host}{dot}{tld}"


def reminder_source(session_id: str, offset_minutes: int, starts_at: datetime) -> str:
    """The source id of one reminder of one start time: a moved session is reminded anew."""
    return f"reminder:{session_id}:{offset_minutes}:{int(starts_at.timestamp())}"


def materials_source(session_id: str) -> str:
    """The source id of a session's materials mail: one per session, so one per person."""
    return f"materials:{session_id}"


def message_source(message_id: str) -> str:
    """The source id of a secretariat's message: one per message, so one per person."""
    return f"message:{message_id}"


def announcement_source(session_id: str) -> str:
    """The source id of a session's announcement: one per session, so one per subscriber."""
    return f"announcement:{session_id}"


def invitation_source(invitation_id: str) -> str:
    """The source id of an invitation's mail: one per invitation."""
    return f"invitation:{invitation_id}"


def certificate_source(code: str) -> str:
    """The source id of a certificate's mail: one per certificate code."""
    return f"certificate:{code}"
