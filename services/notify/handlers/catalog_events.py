"""Catalog events become news for the subscribers who asked for them: mailed at once, or kept
for their daily or weekly digest."""

from __future__ import annotations

from services.notify.domain.model import MailKind
from services.notify.domain.news import compose_document_news, subscription_matches
from services.notify.domain.rules import pick_text
from services.notify.domain.subscriptions import Subscriber, mailed_at_once, reads_documents
from services.notify.handlers import materials
from services.notify.handlers.context import Context
from services.notify.handlers.news import keep_for_digest, mail_news, unsubscribe_links
from shared.contracts.catalog.events import DocumentPublished, DocumentTranslated
from shared.reference import LanguageCode


async def when_document_is_published(ctx: Context, event_id: str,
                                     event: DocumentPublished) -> None:
    """Keep the document's titles; tell the subscribers whose subjects it matches; a
    session's material is also told to the session's people (`materials`).

    Only the first publication: a later revision is `catalog.document.revised`, which notify
    does not mail."""
    doc = event.document
    if doc.session_id is not None:
        await materials.when_session_material_is_published(ctx, doc.session_id, doc)
    titles = doc.texts.get("title", {})
    await ctx.store.news.keep_titles(doc.document_id, titles, doc.source_language)
    for subscriber in await _readers(ctx):
        if subscription_matches(subscriber, doc.topics, doc.type, doc.countries):
            title = pick_text(titles, subscriber["language"], [doc.source_language])
            await _tell(ctx, event_id, "document_published", subscriber, doc.document_id,
                        title)


async def when_document_is_translated(ctx: Context, event_id: str,
                                      event: DocumentTranslated) -> None:
    """Tell the subscribers who read the new language and follow its subjects."""
    titles = await ctx.store.news.titles(event.document_id)
    for subscriber in await _readers(ctx):
        if subscriber["language"] == event.language and subscription_matches(
                subscriber, event.topics, event.type, event.countries):
            title = pick_text(titles, event.language) or event.document_id
            await _tell(ctx, event_id, "document_translated", subscriber, event.document_id,
                        title, event.language)


async def _readers(ctx: Context) -> list[Subscriber]:
    return [s for s in await ctx.store.subscriptions.active() if reads_documents(s)]


async def _tell(ctx: Context, event_id: str, kind: MailKind, subscriber: Subscriber,
                document_id: str, title: str, language: LanguageCode | None = None) -> None:
    """Mail at once, or keep it for the subscriber's digest."""
    if not mailed_at_once(subscriber):
        await keep_for_digest(ctx, event_id, subscriber, title, document_id, language)
        return
    lang: LanguageCode = subscriber["language"]
    unsubscribe = unsubscribe_links(ctx, subscriber["_id"])
    content = compose_document_news(ctx.mailer.strings, lang, kind, title,
                                    ctx.site.document(document_id, language),
                                    unsubscribe.page, language)
    await mail_news(ctx, event_id, kind, subscriber, content, unsubscribe)
