"""What each kind of mail says: subject, paragraphs, details and links, in one language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.notify.domain import texts
from services.notify.domain.links import Site
from services.notify.domain.model import MailKind
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode, label

SEAT_KINDS: frozenset[MailKind] = frozenset({"confirmed", "promoted", "reminder",
                                             "session_rescheduled"})
"""Mails that carry the join link and the link to the participant's own page (to cancel)."""
STILL_REGISTERED: frozenset[MailKind] = frozenset({"waitlisted", "pending",
                                                   "awaiting_confirmation"})
"""Mails to someone without a seat yet, who may still leave: their own page, no join link."""
ABOUT_A_REGISTRATION: frozenset[MailKind] = frozenset({"awaiting_confirmation",
                                                       "already_registered"})
"""Mails that may carry the link confirming the address (while that is due)."""
FOR_OTHER_SESSIONS: frozenset[MailKind] = frozenset({"rejected", "session_cancelled"})
"""Mails after which this session is closed to the reader: the list of other sessions."""
SESSION_PAGE: dict[MailKind, str] = {"attended": texts.LABEL_MATERIALS,
                                     "no_show": texts.LABEL_MATERIALS,
                                     "cancelled": texts.LABEL_SESSION_PAGE,
                                     "already_registered": texts.LABEL_SESSION_PAGE}
"""Mails that link to the session's page (materials afterwards; registering again)."""
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
    cancel_token: str | None = None
    """Opens the participant's own page; no token, no link to it."""
    reason: str | None = None
    position: int | None = None
    minutes: int | None = None
    previous: tuple[datetime, datetime] | None = None
    status: str | None = None
    """The registration's status, told to the owner of an address registered again."""
    confirm_token: str | None = None
    """Opens the page confirming the address, while that is due."""
    confirm_by: datetime | None = None
    holds: str | None = None
    """What a registration awaiting confirmation holds meanwhile (a seat, a place...)."""


def session_details(s: Strings, lang: LanguageCode, session: SessionSnapshot
                    ) -> list[tuple[str, str]]:
    """When, format and languages of a session, in `lang`."""
    rows = [(s.t(lang, texts.LABEL_WHEN), s.when(lang, session.starts_at, session.ends_at,
                                                 session.timezone)),
            (s.t(lang, texts.LABEL_FORMAT), label("session_formats", session.format, lang)),
            (s.t(lang, texts.LABEL_LANGUAGES),
             ", ".join(label("languages", code, lang) for code in session.languages))]
    if session.interpretation:
        rows.append((s.t(lang, texts.LABEL_INTERPRETATION),
                      ", ".join(label("languages", c, lang) for c in session.interpretation)))
    return rows


def compose_session_mail(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                         mail: SessionMail, site: Site) -> MailContent:
    """The mail of `mail.kind` about `session`, entirely in `lang`, linking to `site`."""
    kind, title = mail.kind, pick_text(session.title, lang, session.languages)
    deadline = s.deadline(lang, mail.confirm_by, session.timezone) if mail.confirm_by else ""
    paragraphs = [s.n(lang, texts.ATTENDED_INTRO, mail.minutes or 0, title=title,
                      minutes=mail.minutes or 0) if kind == "attended"
                  else s.t(lang, texts.INTRO[kind], title=title, deadline=deadline)]
    if kind == "waitlisted" and mail.position is not None:
        paragraphs.append(s.t(lang, texts.WAITLIST_POSITION, position=mail.position))
    paragraphs += standing(s, lang, session, mail)
    if kind in texts.REASON and mail.reason:
        paragraphs.append(s.t(lang, texts.REASON[kind], reason=mail.reason))
    details = session_details(s, lang, session)
    if kind == "session_rescheduled" and mail.previous:
        before = s.when(lang, *mail.previous, session.timezone)
        details.append(("", s.t(lang, texts.PREVIOUSLY, previous=before)))
    notes = [s.t(lang, texts.LABEL_CALENDAR)] if kind in CALENDAR_KINDS - {"cancelled"} else []
    actions, secondary = session_links(s, lang, session, mail, site)
    if kind in SEAT_KINDS and mail.cancel_token:
        notes.append(s.t(lang, texts.LABEL_CANCEL))
    if kind == "awaiting_confirmation":
        notes.append(s.t(lang, texts.NOT_YOU))
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT[kind], title=title),
        greeting=s.t(lang, texts.GREETING, name=mail.name) if mail.name
        else s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=paragraphs, details=details, actions=actions, notes=notes,
        secondary=secondary, signature=s.t(lang, texts.SIGNATURE),
        footer=s.t(lang, texts.FOOTER_TRANSACTIONAL), brand=s.t(lang, texts.BRAND),
    )


def standing(s: Strings, lang: LanguageCode, session: SessionSnapshot, mail: SessionMail
             ) -> list[str]:
    """What a registration awaiting confirmation holds meanwhile; or, to the owner of an
    address registered again, where their registration stands."""
    if mail.kind == "awaiting_confirmation" and mail.holds in texts.HOLDS:
        return [s.t(lang, texts.HOLDS[mail.holds], position=mail.position or 0)]
    if mail.kind != "already_registered" or mail.status not in texts.STANDING:
        return []
    if mail.status == "awaiting_confirmation" and mail.confirm_by is None:
        return [s.t(lang, texts.HOLD_LAPSED)]  # too late to confirm (no link came with it)
    deadline = s.deadline(lang, mail.confirm_by, session.timezone) if mail.confirm_by else ""
    return [s.t(lang, texts.STANDING[mail.status], position=mail.position or 0,
                deadline=deadline)]


Links = list[tuple[str, str]]


def session_links(s: Strings, lang: LanguageCode, session: SessionSnapshot, mail: SessionMail,
                  site: Site) -> tuple[Links, Links]:
    """The buttons and the lesser links of a session mail: only pages useful after it (no
    cancel link to someone who no longer holds a registration)."""
    kind, actions, secondary = mail.kind, Links(), Links()
    if kind in SEAT_KINDS and session.join_url:
        actions.append((s.t(lang, texts.LABEL_JOIN), session.join_url))
    if kind in ABOUT_A_REGISTRATION and mail.confirm_token:
        actions.append((s.t(lang, texts.LABEL_CONFIRM_REGISTRATION),
                        site.registration_confirm(mail.confirm_token)))
    if kind == "already_registered" and mail.cancel_token:
        mine = (s.t(lang, texts.LABEL_MY_REGISTRATION), site.registration(mail.cancel_token))
        (secondary if mail.confirm_token else actions).append(mine)
    if kind in SEAT_KINDS | STILL_REGISTERED and mail.cancel_token:
        leave = texts.LABEL_LEAVE_WAITLIST if kind == "waitlisted" \
            else texts.LABEL_CANCEL_ACTION
        secondary.append((s.t(lang, leave), site.registration(mail.cancel_token)))
    if kind in SESSION_PAGE:
        link = (s.t(lang, SESSION_PAGE[kind]), site.session(session.session_id))
        (secondary if kind in ("cancelled", "already_registered") else actions).append(link)
    if kind in FOR_OTHER_SESSIONS:
        secondary.append((s.t(lang, texts.LABEL_OTHER_SESSIONS), site.sessions()))
    return actions, secondary
