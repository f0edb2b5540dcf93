"""The secretariat's mail about a session: a message to its registrants, and its
announcement to subscribers. What each says, in which language, and who hears of a session.

A message is written by staff in es and en, maybe pt and fr. Each person gets it in their
language if it was written in it; otherwise Portuguese readers get the Spanish text and French
readers the English one (`FALLBACK`): Spanish is the nearer language to Portuguese, English
the one most French-speaking members (Haiti, Canada) share with the network. The whole mail is
then in that language, greeting and footer too, so it never mixes two.

The text is plain: each line is a paragraph, escaped in the HTML part by the template.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.notify.domain import texts
from services.notify.domain.compose import MailContent, session_details
from services.notify.domain.links import Site
from services.notify.domain.news import interested, marketing
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from services.notify.domain.subscriptions import Subscriber
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode

FALLBACK: dict[LanguageCode, LanguageCode] = {"pt": "es", "fr": "en"}
"""The language a message is read in when it was not written in the reader's own."""


def message_language(preferred: LanguageCode, written: Iterable[LanguageCode]
                     ) -> LanguageCode:
    """The reader's language if the message was written in it, else its fallback, else es,
    else en (a message always has es and en; this never returns one it lacks if it has
    one of them)."""
    have = set(written)
    for candidate in (preferred, FALLBACK.get(preferred), "es", "en"):
        if candidate is not None and candidate in have:
            return candidate
    return next(iter(sorted(have)), "en")


def paragraphs_of(body: str) -> list[str]:
    """Each non-blank line of a plain-text body, as a paragraph (lists keep their lines)."""
    return [line.strip() for line in body.splitlines() if line.strip()]


def compose_session_message(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                            name: str, subject: str, body: str, site: Site) -> MailContent:
    """A secretariat's message to one registrant, wholly in `lang`."""
    title = pick_text(session.title, lang, session.languages)
    return MailContent(
        language=lang,
        subject=s.t(lang, texts.SUBJECT["session_message"], subject=subject, title=title),
        greeting=s.t(lang, texts.GREETING, name=name) if name
        else s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["session_message"], title=title),
                    *paragraphs_of(body)],
        details=session_details(s, lang, session)[:1],  # when it is
        secondary=[(s.t(lang, texts.LABEL_SESSION_PAGE), site.session(session.session_id))],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_TRANSACTIONAL),
        brand=s.t(lang, texts.BRAND))


def hears_of_sessions(subscriber: Subscriber) -> bool:
    """Whether a subscriber asked for news of sessions (those who subscribed before the
    choice existed asked for documents only: they do not)."""
    return bool(subscriber.get("sessions", False))


def announcement_matches(subscriber: Subscriber, session: SessionSnapshot) -> bool:
    """Whether a session is news for a subscriber: its topics and countries match theirs
    (an empty choice means everything; a session naming no country concerns every country;
    document types do not apply to sessions)."""
    return (hears_of_sessions(subscriber)
            and interested(subscriber.get("topics", []), session.topics)
            and (not session.countries
                 or interested(subscriber.get("countries", []), session.countries)))


def compose_session_announcement(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                                 site: Site, unsubscribe_url: str) -> MailContent:
    """A new session told to a subscriber: title, when (in `lang`, by Babel), the link."""
    title = pick_text(session.title, lang, session.languages)
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["session_announced"], title=title),
        greeting=s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["session_announced"], title=title)],
        details=session_details(s, lang, session),
        actions=[(s.t(lang, texts.LABEL_SESSION_REGISTER), site.session(session.session_id))],
        **marketing(s, lang, unsubscribe_url))
