"""Translate events: translators who follow a language pair hear of jobs queued for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.notify.digests import Digests
from services.notify.domain.model import Recipient
from services.notify.domain.news import compose_translation_job
from services.notify.domain.rules import pick_text
from services.notify.news import DOCUMENTS
from services.notify.subscriptions import SubscriptionService
from shared.contracts.envelope import CloudEvent
from shared.contracts.translate import JobQueued


@dataclass
class TranslateHandlers:
    """Mail (or keep for the digest) each queued job to the pair's translators."""

    subscriptions: SubscriptionService
    digests: Digests

    def routes(self) -> dict[str, Callable[[CloudEvent], Awaitable[None]]]:
        """Event type -> handler."""
        return {JobQueued.subject(): self.queued}

    async def queued(self, ce: CloudEvent) -> None:
        """Tell the translators of the job's language pair."""
        job = JobQueued.from_cloudevent(ce).job
        pair = f"{job.source_language}>{job.target_language}"
        known = await self.subscriptions.db[DOCUMENTS].find_one({"_id": job.document_id})
        titles = known.get("titles", {}) if known else {}
        title = pick_text(titles, job.source_language) or job.document_id
        mailer = self.subscriptions.mailer
        # The site has no job page: the link opens the text to translate, and the mail says
        # which job and pair it is.
        source_page = mailer.site.document(job.document_id, job.source_language)
        for subscriber in await self.subscriptions.active():
            if pair not in subscriber.get("translation_pairs", []):
                continue
            if subscriber["frequency"] != "immediate":
                await self.digests.collect(
                    ce.id, subscriber,
                    f"{title} ({job.source_language} → {job.target_language}, {job.job_id})",
                    job.document_id, job.source_language)
                continue
            unsubscribe = self.subscriptions.unsubscribe_links(subscriber["_id"])
            content = compose_translation_job(mailer.strings, subscriber["language"], title,
                                              job, source_page, unsubscribe.page)
            await mailer.queue(ce.id, "translation_job",
                               Recipient(email=subscriber["email"], name="",
                                         language=subscriber["language"]),
                               content, list_unsubscribe=unsubscribe.one_click,
                               subscription_id=subscriber["_id"])
