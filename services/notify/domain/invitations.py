"""The mail that invites one person to an invite-only session with their own link.

The link opens the session's page on the site with the personal token filled into its
registration form; it goes once per invitation (its delivery id names the invitation).
"""

from __future__ import annotations

from services.notify.domain import texts
from services.notify.domain.compose import MailContent, session_details
from services.notify.domain.links import Site
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode


def compose_invitation_mail(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                            name: str, token: str, site: Site) -> MailContent:
    """The invitation, entirely in `lang`: the session's details and the personal link."""
    title = pick_text(session.title, lang, session.languages)
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["invitation"], title=title),
        greeting=s.t(lang, texts.GREETING, name=name),
        paragraphs=[s.t(lang, texts.INTRO["invitation"], title=title)],
        details=session_details(s, lang, session),
        actions=[(s.t(lang, texts.LABEL_ACCEPT_INVITATION),
                  site.invitation(session.session_id, token))],
        notes=[s.t(lang, texts.INVITATION_PERSONAL)],
        secondary=[(s.t(lang, texts.LABEL_SESSION_PAGE), site.session(session.session_id))],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_INVITED),
        brand=s.t(lang, texts.BRAND))
