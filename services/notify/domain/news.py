"""Mail outside registrations: subscription confirmation and repository news."""

from __future__ import annotations

from collections.abc import Sequence

from services.notify.domain.compose import MailContent
from services.notify.domain.strings import Strings
from shared.reference import LanguageCode, label


def compose_subscription_confirm(s: Strings, lang: LanguageCode, confirm_url: str
                                 ) -> MailContent:
    """The double opt-in mail."""
    return MailContent(
        language=lang, subject=s.t(lang, "subscription_confirm.subject"),
        greeting=s.t(lang, "greeting_anonymous"),
        paragraphs=[s.t(lang, "subscription_confirm.intro")],
        actions=[(s.t(lang, "subscription_confirm.action"), confirm_url)],
        signature=s.t(lang, "signature"), footer=s.t(lang, "footer_transactional"),
        brand=s.t(lang, "brand"))


def compose_document_news(s: Strings, lang: LanguageCode, kind: str, title: str,
                          url: str, unsubscribe_url: str,
                          language: LanguageCode | None = None) -> MailContent:
    """`document_published` or `document_translated`, with the unsubscribe link."""
    language_name = language_label(language, lang) if language else ""
    return MailContent(
        language=lang, subject=s.t(lang, f"{kind}.subject", title=title),
        greeting=s.t(lang, "greeting_anonymous"),
        paragraphs=[s.t(lang, f"{kind}.intro", title=title, language_name=language_name)],
        actions=[(s.t(lang, "label_document"), url)], signature=s.t(lang, "signature"),
        footer=s.t(lang, "footer_marketing"), unsubscribe_url=unsubscribe_url,
        unsubscribe_label=s.t(lang, "unsubscribe"), brand=s.t(lang, "brand"))


def language_label(code: LanguageCode, lang: LanguageCode) -> str:
    """A language's name inside a sentence: es, pt and fr write it in lower case."""
    name = label("languages", code, lang)
    return name if lang == "en" else name.lower()


def compose_translation_job(s: Strings, lang: LanguageCode, title: str, source: LanguageCode,
                            target: LanguageCode, url: str, unsubscribe_url: str
                            ) -> MailContent:
    """A translator hears of a job for a language pair they follow."""
    return MailContent(
        language=lang, subject=s.t(lang, "translation_job.subject", title=title),
        greeting=s.t(lang, "greeting_anonymous"),
        paragraphs=[s.t(lang, "translation_job.intro", title=title,
                        source=language_label(source, lang),
                        target=language_label(target, lang))],
        actions=[(s.t(lang, "label_job"), url)], signature=s.t(lang, "signature"),
        footer=s.t(lang, "footer_marketing"), unsubscribe_url=unsubscribe_url,
        unsubscribe_label=s.t(lang, "unsubscribe"), brand=s.t(lang, "brand"))


def interested(wanted: Sequence[str], offered: Sequence[str]) -> bool:
    """An empty choice means "everything"; otherwise one shared code is enough."""
    return not wanted or bool(set(wanted) & set(offered))


def subscription_matches(subscription: dict[str, list[str]], topics: Sequence[str],
                         doc_type: str, countries: Sequence[str]) -> bool:
    """Whether a document is news for a subscriber: topics, types and countries all match."""
    return (interested(subscription.get("topics", []), topics)
            and interested(subscription.get("types", []), [doc_type])
            and interested(subscription.get("countries", []), countries))


def compose_digest(s: Strings, lang: LanguageCode, items: Sequence[tuple[str, str]],
                   unsubscribe_url: str) -> MailContent:
    """Several documents in one mail: (title, url) each."""
    count = len(items)
    return MailContent(
        language=lang, subject=s.t(lang, "digest.subject", count=count),
        greeting=s.t(lang, "greeting_anonymous"),
        paragraphs=[s.t(lang, "digest.intro", count=count)], secondary=list(items),
        signature=s.t(lang, "signature"), footer=s.t(lang, "footer_marketing"),
        unsubscribe_url=unsubscribe_url, unsubscribe_label=s.t(lang, "unsubscribe"),
        brand=s.t(lang, "brand"))
