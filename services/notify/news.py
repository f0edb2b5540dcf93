"""Catalog events become news for the subscribers who asked for them: at once, or kept for
their daily or weekly digest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.notify.digests import Digests
from services.notify.domain.model import MailKind, Recipient
from services.notify.domain.news import compose_document_news, subscription_matches
from services.notify.domain.rules import pick_text
from services.notify.subscriptions import SubscriptionService
from shared.contracts.catalog import DocumentPublished, DocumentTranslated
from shared.contracts.envelope import CloudEvent
from shared.db import Document
from shared.reference import LanguageCode

DOCUMENTS = "documents"


@dataclass
class CatalogHandlers:
    """Mail subscribers about new documents and new language versions."""

    subscriptions: SubscriptionService
    digests: Digests

    def routes(self) -> dict[str, Callable[[CloudEvent], Awaitable[None]]]:
        """Event type -> handler."""
        return {DocumentPublished.subject(): self.published,
                DocumentTranslated.subject(): self.translated}

    async def published(self, ce: CloudEvent) -> None:
        """Keep the document's titles; mail the matching immediate subscribers."""
        doc = DocumentPublished.from_cloudevent(ce).document
        titles = doc.texts.get("title", {})
        await self.subscriptions.db[DOCUMENTS].update_one(
            {"_id": doc.document_id},
            {"$set": {"titles": titles, "source_language": doc.source_language}}, upsert=True)
        for subscriber in await self._readers():
            if subscription_matches(subscriber, doc.topics, doc.type, doc.countries):
                lang: LanguageCode = subscriber["language"]
                title = pick_text(titles, lang, [doc.source_language])
                await self._tell(ce.id, "document_published", subscriber, doc.document_id,
                                 title)

    async def translated(self, ce: CloudEvent) -> None:
        """Mail immediate subscribers who read the new language and follow its subjects."""
        event = DocumentTranslated.from_cloudevent(ce)
        known = await self.subscriptions.db[DOCUMENTS].find_one({"_id": event.document_id})
        titles = known.get("titles", {}) if known else {}
        for subscriber in await self._readers():
            if subscriber["language"] == event.language and subscription_matches(
                    subscriber, event.topics, event.type, event.countries):
                title = pick_text(titles, event.language) or event.document_id
                await self._tell(ce.id, "document_translated", subscriber, event.document_id,
                                 title, event.language)

    async def _readers(self) -> list[Document]:
        return [s for s in await self.subscriptions.active() if s.get("documents", True)]

    async def _tell(self, source_id: str, kind: MailKind, subscriber: Document,
                    document_id: str, title: str, language: LanguageCode | None = None) -> None:
        """Mail at once, or keep it for the subscriber's digest."""
        if subscriber["frequency"] == "immediate":
            await self._mail(source_id, kind, subscriber, document_id, title, language)
        else:
            await self.digests.collect(source_id, subscriber, title, document_id, language)

    async def _mail(self, source_id: str, kind: MailKind, subscriber: Document,
                    document_id: str, title: str, language: LanguageCode | None = None) -> None:
        mailer = self.subscriptions.mailer
        lang: LanguageCode = subscriber["language"]
        unsubscribe = self.subscriptions.unsubscribe_links(subscriber["_id"])
        content = compose_document_news(mailer.strings, lang, kind, title,
                                        mailer.site.document(document_id, language),
                                        unsubscribe.page, language)
        await mailer.queue(source_id, kind, Recipient(email=subscriber["email"], name="",
                                                      language=lang), content,
                           list_unsubscribe=unsubscribe.one_click,
                           subscription_id=subscriber["_id"])
