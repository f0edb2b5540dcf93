"""A session's materials and the one mail that tells its audience of them.

Materials (a recording, presentations, the summary...) are catalog documents linked to a
session, often published minutes apart. The first one starts a gathering window
(`materials_gather_seconds`, from the session's end at the earliest); when it closes, each
registrant and attendee gets one mail in their language listing every material published so
far. That mail goes once per session and person: a material published after it is not
mailed (the session page lists it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notify.domain import texts
from services.notify.domain.compose import MailContent, session_details
from services.notify.domain.links import Site
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode


@dataclass(frozen=True)
class Material:
    """A document published as a session's material, as its mail lists it."""

    document_id: str
    titles: dict[LanguageCode, str]
    source_language: LanguageCode


def material_of(doc: DocumentSnapshot) -> Material:
    """What the materials mail needs of a published document."""
    return Material(doc.document_id, dict(doc.texts.get("title", {})), doc.source_language)


def materials_mail_due(first_seen: datetime, session_ends: datetime | None,
                       gather_seconds: float) -> datetime:
    """When the materials mail goes: the window opened by the first material has closed,
    counted from the session's end if it was published before (slides shared in advance
    must not spend the one mail before the recording exists and the attendance is known)."""
    opened = first_seen if session_ends is None else max(first_seen, session_ends)
    return opened + timedelta(seconds=gather_seconds)


def material_links(site: Site, lang: LanguageCode, materials: Sequence[Material]
                   ) -> list[tuple[str, str]]:
    """Each material's title in `lang` (else its source language) and its page in `lang`
    (the site says plainly when it shows the original instead)."""
    return [(pick_text(m.titles, lang, [m.source_language]) or m.document_id,
             site.document(m.document_id, lang)) for m in materials]


def compose_materials_mail(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                           name: str, materials: Sequence[Material], site: Site
                           ) -> MailContent:
    """The one mail listing a session's materials, entirely in `lang`."""
    title = pick_text(session.title, lang, session.languages)
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["materials_published"], title=title),
        greeting=s.t(lang, texts.GREETING, name=name) if name
        else s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["materials_published"], title=title)],
        details=session_details(s, lang, session)[:1],  # when it was
        notes=[s.t(lang, texts.MATERIALS_LATER)],
        secondary=[*material_links(site, lang, materials),
                   (s.t(lang, texts.LABEL_MATERIALS), site.session(session.session_id))],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_TRANSACTIONAL),
        brand=s.t(lang, texts.BRAND))
