"""The staff sign-in mail: one button, how long it works, and what to do if it was not you."""

from __future__ import annotations

from services.notify.domain import texts
from services.notify.domain.compose import MailContent
from services.notify.domain.strings import Strings
from shared.reference import LanguageCode


def compose_staff_sign_in(s: Strings, lang: LanguageCode, name: str, url: str,
                          minutes: int) -> MailContent:
    """The mail that carries a one-time sign-in link to the staff pages."""
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["staff_sign_in"]),
        greeting=s.t(lang, texts.GREETING, name=name) if name
        else s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["staff_sign_in"])],
        actions=[(s.t(lang, texts.SIGN_IN), url)],
        notes=[s.t(lang, texts.SIGN_IN_ONCE, minutes=minutes)],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_STAFF),
        brand=s.t(lang, texts.BRAND))
