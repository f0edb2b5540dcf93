"""Translate events: translators who follow a language pair hear of jobs queued for it."""

from __future__ import annotations

from services.notify.domain.news import compose_translation_job
from services.notify.domain.rules import pick_text
from services.notify.domain.subscriptions import follows_pair, mailed_at_once
from services.notify.handlers.context import Context
from services.notify.handlers.news import keep_for_digest, mail_news, unsubscribe_links
from shared.contracts.translate.events import JobQueued


async def when_translation_job_is_queued(ctx: Context, event_id: str,
                                         event: JobQueued) -> None:
    """Tell the translators of the job's language pair, at once or in their digest."""
    job = event.job
    titles = await ctx.store.news.titles(job.document_id)
    title = pick_text(titles, job.source_language) or job.document_id
    # The job opens in the translators' editor; the text to translate, on the public site.
    source_page = (ctx.site.session(job.document_id) if job.subject == "session"
                   else ctx.site.document(job.document_id, job.source_language))
    for subscriber in await ctx.store.subscriptions.active():
        if not follows_pair(subscriber, job.source_language, job.target_language):
            continue
        if not mailed_at_once(subscriber):
            await keep_for_digest(
                ctx, event_id, subscriber,
                f"{title} ({job.source_language} → {job.target_language}, {job.job_id})",
                job.document_id, job.source_language)
            continue
        unsubscribe = unsubscribe_links(ctx, subscriber["_id"])
        content = compose_translation_job(ctx.mailer.strings, subscriber["language"], title,
                                          job, source_page, unsubscribe.page,
                                          ctx.site.translation_job(job.job_id))
        await mail_news(ctx, event_id, "translation_job", subscriber, content, unsubscribe)
