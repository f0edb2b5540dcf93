"""Mail outside registrations: subscription confirmation and repository news."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from services.notify.domain import texts
from services.notify.domain.compose import MailContent
from services.notify.domain.links import Site
from services.notify.domain.model import MailKind
from services.notify.domain.strings import Strings
from shared.contracts.translate.events import JobRef
from shared.reference import LanguageCode, label


def compose_subscription_confirm(s: Strings, lang: LanguageCode, confirm_url: str
                                 ) -> MailContent:
    """The double opt-in mail."""
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["subscription_confirm"]),
        greeting=s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["subscription_confirm"])],
        actions=[(s.t(lang, texts.CONFIRM_SUBSCRIPTION), confirm_url)],
        signature=s.t(lang, texts.SIGNATURE), footer=s.t(lang, texts.FOOTER_TRANSACTIONAL),
        brand=s.t(lang, texts.BRAND))


def compose_document_news(s: Strings, lang: LanguageCode, kind: MailKind, title: str,
                          url: str, unsubscribe_url: str,
                          language: LanguageCode | None = None) -> MailContent:
    """`document_published` or `document_translated`, with the unsubscribe link."""
    language_name = language_label(language, lang) if language else ""
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT[kind], title=title),
        greeting=s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO[kind], title=title, language_name=language_name)],
        actions=[(s.t(lang, texts.LABEL_DOCUMENT), url)],
        **marketing(s, lang, unsubscribe_url))


def language_label(code: LanguageCode, lang: LanguageCode) -> str:
    """A language's name inside a sentence: es, pt and fr write it in lower case."""
    name = label("languages", code, lang)
    return name if lang == "en" else name.lower()


def compose_translation_job(s: Strings, lang: LanguageCode, title: str, job: JobRef,
                            url: str, unsubscribe_url: str, job_url: str) -> MailContent:
    """A translator hears of a job for a language pair they follow: `job_url` opens it in the
    translators' editor (staff sign in), `url` the source document on the public site."""
    source = language_label(job.source_language, lang)
    target = language_label(job.target_language, lang)
    return MailContent(
        language=lang, subject=s.t(lang, texts.SUBJECT["translation_job"], title=title),
        greeting=s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["translation_job"], title=title, source=source,
                        target=target)],
        details=[(s.t(lang, texts.LABEL_JOB), job.job_id)],
        actions=[(s.t(lang, texts.LABEL_OPEN_JOB), job_url),
                 (s.t(lang, texts.LABEL_SOURCE_DOCUMENT), url)],
        **marketing(s, lang, unsubscribe_url))


def interested(wanted: Sequence[str], offered: Sequence[str]) -> bool:
    """An empty choice means "everything"; otherwise one shared code is enough."""
    return not wanted or bool(set(wanted) & set(offered))


def subscription_matches(subscription: dict[str, list[str]], topics: Sequence[str],
                         doc_type: str, countries: Sequence[str]) -> bool:
    """Whether a document is news for a subscriber: topics, types and countries all match."""
    return (interested(subscription.get("topics", []), topics)
            and interested(subscription.get("types", []), [doc_type])
            and interested(subscription.get("countries", []), countries))


@dataclass(frozen=True)
class DigestItem:
    """One piece of news kept for a subscriber's digest."""

    id: str
    title: str
    document_id: str | None
    language: LanguageCode | None = None
    path: str | None = None
    """The page of items kept before links were made at sending."""


def digest_link(site: Site, item: DigestItem) -> str:
    """The page of a digest item, made when the digest is: the site's address may change
    in between."""
    if item.document_id is None:
        return f"{site.base}{item.path}"
    return site.document(item.document_id, item.language)


def compose_digest(s: Strings, lang: LanguageCode, items: Sequence[tuple[str, str]],
                   unsubscribe_url: str) -> MailContent:
    """Several documents in one mail: (title, url) each."""
    count = len(items)
    return MailContent(
        language=lang, subject=s.n(lang, texts.DIGEST_SUBJECT, count),
        greeting=s.t(lang, texts.GREETING_ANONYMOUS),
        paragraphs=[s.t(lang, texts.INTRO["digest"], count=count)], secondary=list(items),
        **marketing(s, lang, unsubscribe_url))


def marketing(s: Strings, lang: LanguageCode, unsubscribe_url: str) -> MarketingParts:
    """What every news mail ends with: signature, why it came, how to stop it."""
    return MarketingParts(signature=s.t(lang, texts.SIGNATURE),
                          footer=s.t(lang, texts.FOOTER_MARKETING),
                          unsubscribe_url=unsubscribe_url,
                          unsubscribe_label=s.t(lang, texts.UNSUBSCRIBE),
                          brand=s.t(lang, texts.BRAND))


class MarketingParts(TypedDict):
    """The `MailContent` fields `marketing` fills."""

    signature: str
    footer: str
    unsubscribe_url: str
    unsubscribe_label: str
    brand: str
