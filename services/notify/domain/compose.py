"""What each kind of mail says: subject, paragraphs, details and links, in one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.notify.domain.model import MailKind
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from shared.contracts.registration import SessionSnapshot
from shared.reference import LanguageCode, label

SEAT_KINDS: frozenset[MailKind] = frozenset({"confirmed", "promoted", "reminder",
                                             "session_rescheduled"})
"""Mails that carry the join link and the cancel link."""
CALENDAR_KINDS: frozenset[MailKind] = frozenset({"confirmed", "promoted", "session_rescheduled",
                                                 "session_cancelled", "cancelled"})
"""Mails that carry an `.ics` (REQUEST, or CANCEL for the cancellations)."""


@dataclass(frozen=True)
class MailContent:
    """A mail's words, ready for the HTML and text templates."""

    language: LanguageCode
    subject: str
    greeting: str
    paragraphs: list[str]
    details: list[tuple[str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    secondary: list[tuple[str, str]] = field(default_factory=list)
    signature: str = ""
    footer: str = ""
    unsubscribe_url: str | None = None
    unsubscribe_label: str = ""
    brand: str = ""


@dataclass(frozen=True)
class SessionMail:
    """Everything a session mail may mention besides the session itself."""

    kind: MailKind
    name: str
    cancel_url: str | None = None
    materials_url: str | None = None
    reason: str | None = None
    position: int | None = None
    minutes: int | None = None
    previous: tuple[datetime, datetime] | None = None


def session_details(s: Strings, lang: LanguageCode, session: SessionSnapshot
                    ) -> list[tuple[str, str]]:
    """When, format and languages of a session, in `lang`."""
    rows = [(s.t(lang, "label_when"), s.when(lang, session.starts_at, session.ends_at,
                                             session.timezone)),
            (s.t(lang, "label_format"), label("session_formats", session.format, lang)),
            (s.t(lang, "label_languages"),
             ", ".join(label("languages", code, lang) for code in session.languages))]
    if session.interpretation:
        rows.append((s.t(lang, "label_interpretation"),
                      ", ".join(label("languages", c, lang) for c in session.interpretation)))
    return rows


def compose_session_mail(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                         mail: SessionMail) -> MailContent:
    """The mail of `mail.kind` about `session`, entirely in `lang`."""
    kind, title = mail.kind, pick_text(session.title, lang, session.languages)
    paragraphs = [s.t(lang, f"{kind}.intro", title=title, minutes=mail.minutes or 0)]
    if kind == "waitlisted" and mail.position is not None:
        paragraphs.append(s.t(lang, "waitlisted.position", position=mail.position))
    if kind in ("rejected", "session_cancelled") and mail.reason:
        paragraphs.append(s.t(lang, f"{kind}.reason", reason=mail.reason))
    details = session_details(s, lang, session)
    if kind == "session_rescheduled" and mail.previous:
        before = s.when(lang, *mail.previous, session.timezone)
        details.append(("", s.t(lang, "session_rescheduled.previous", previous=before)))
    actions, notes, secondary = [], [], []
    if kind in SEAT_KINDS and session.join_url:
        actions.append((s.t(lang, "label_join"), session.join_url))
    if kind in CALENDAR_KINDS and kind != "cancelled":
        notes.append(s.t(lang, "label_calendar"))
    if kind in SEAT_KINDS and mail.cancel_url:
        notes.append(s.t(lang, "label_cancel"))
        secondary.append((s.t(lang, "label_cancel_action"), mail.cancel_url))
    if kind in ("waitlisted", "pending") and mail.cancel_url:
        secondary.append((s.t(lang, "label_leave_waitlist" if kind == "waitlisted"
                                 else "label_cancel_action"), mail.cancel_url))
    if kind in ("attended", "no_show") and mail.materials_url:
        actions.append((s.t(lang, "label_materials"), mail.materials_url))
    return MailContent(
        language=lang, subject=s.t(lang, f"{kind}.subject", title=title),
        greeting=s.t(lang, "greeting", name=mail.name) if mail.name
        else s.t(lang, "greeting_anonymous"),
        paragraphs=paragraphs, details=details, actions=actions, notes=notes,
        secondary=secondary, signature=s.t(lang, "signature"),
        footer=s.t(lang, "footer_transactional"), brand=s.t(lang, "brand"),
    )
