"""The mail that tells a participant their certificate of attendance is ready.

It goes once per certificate code. A certificate issued again (a corrected name) has a new
code and says which one it replaces; the old code then verifies as superseded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.notify.domain import texts
from services.notify.domain.compose import MailContent, session_details
from services.notify.domain.links import Site
from services.notify.domain.news import language_label
from services.notify.domain.rules import pick_text
from services.notify.domain.strings import Strings
from shared.contracts.registration.events import SessionSnapshot
from shared.reference import LanguageCode


@dataclass(frozen=True)
class Certificate:
    """What the mail says of a certificate."""

    code: str
    languages: Sequence[LanguageCode]
    """The languages the PDF is written in."""
    supersedes: str | None = None
    cancel_token: str | None = None
    """Opens the participant's page, and downloads the PDF; no token, no download link."""


def compose_certificate_mail(s: Strings, lang: LanguageCode, session: SessionSnapshot,
                             name: str, certificate: Certificate, site: Site) -> MailContent:
    """The certificate mail, entirely in `lang`: download and verification links."""
    title = pick_text(session.title, lang, session.languages)
    paragraphs = [s.t(lang, texts.INTRO["certificate_issued"], title=title)]
    if certificate.supersedes:
        paragraphs.append(s.t(lang, texts.CERTIFICATE_SUPERSEDES,
                              previous=certificate.supersedes))
    written_in = ", ".join(language_label(code, lang) for code in certificate.languages)
    details = [*session_details(s, lang, session)[:1],
               (s.t(lang, texts.LABEL_CERTIFICATE_CODE), certificate.code),
               (s.t(lang, texts.LABEL_CERTIFICATE_LANGUAGES), written_in)]
    actions = [(s.t(lang, texts.LABEL_DOWNLOAD_CERTIFICATE),
                site.certificate(certificate.cancel_token))] if certificate.cancel_token else []
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["certificate_issued"], title=title),
        greeting=s.t(lang, texts.GREETING, name=name) if name
        else s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=paragraphs, details=details, actions=actions,
        notes=[s.t(lang, texts.CERTIFICATE_VERIFY)],
        secondary=[(s.t(lang, texts.LABEL_VERIFY_CERTIFICATE),
                    site.certificate_verification(certificate.code))],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_TRANSACTIONAL),
        brand=s.t(lang, texts.BRAND))
