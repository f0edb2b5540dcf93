"""Wires the notify service: mail, reminders, subscriptions.

`build_spec` lets tests inject a clock and their own notify settings; `SPEC` is production's.
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.nats import NatsRouter

from services.notify import audience, digests, store, subscriptions
from services.notify.audience import Audience
from services.notify.digests import Digests
from services.notify.domain.strings import Strings
from services.notify.due import DueMails
from services.notify.entrypoints import event_routers, rpc_router, subscription_router
from services.notify.handlers import RegistrationHandlers
from services.notify.jobs import TranslateHandlers
from services.notify.mailer import Clock, Mailer
from services.notify.mime import Renderer
from services.notify.news import CatalogHandlers
from services.notify.reminders import ReminderPoller
from services.notify.retention import Retention
from services.notify.sender import Sender
from services.notify.settings import NotifySettings
from services.notify.store import Deliveries
from services.notify.subscriptions import SubscriptionService
from shared.bus import service_stream
from shared.inbox import Inbox
from shared.service import Runtime, ServiceSpec
from shared.tokens import Signer


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


@dataclass
class Wiring:
    """The parts of one notify process, built once per runtime."""

    mailer: Mailer
    sender: Sender
    poller: ReminderPoller
    handlers: RegistrationHandlers
    subscriptions: SubscriptionService
    news: CatalogHandlers
    digests: Digests
    jobs: TranslateHandlers
    retention: Retention


def build_spec(clock: Clock = system_clock, options: NotifySettings | None = None
               ) -> ServiceSpec:
    """The notify service with this clock and these settings."""
    opts = options or NotifySettings()
    strings, renderer = Strings.load(), Renderer()
    # start_service asks for the routers, then for the background loops, of one runtime: the
    # parts are built by the first call and handed over (and forgotten) by the second. The
    # runtime is kept beside them so a recycled id() can never pick up another's parts.
    wirings: dict[int, tuple[Runtime, Wiring]] = {}

    def wiring(runtime: Runtime, *, last_use: bool = False) -> Wiring:
        held = wirings.get(id(runtime))
        if held is None or held[0] is not runtime:
            deliveries, due = Deliveries(runtime.db), DueMails(clock)
            mailer = Mailer(deliveries, runtime.settings, clock, strings, renderer, due)
            people = Audience(runtime.db)
            signer = Signer(runtime.settings.token_secret,
                            runtime.settings.older_token_secrets())
            subscribers = SubscriptionService(runtime.db, mailer, signer)
            collector = Digests(subscribers, opts)
            wirings[id(runtime)] = runtime, Wiring(
                mailer=mailer,
                sender=Sender(deliveries, runtime.settings, opts, runtime.outbox, clock,
                              runtime.instance, due, subscribers.still_wanted),
                poller=ReminderPoller(people, mailer, opts, runtime.instance),
                handlers=RegistrationHandlers(people, mailer, opts),
                subscriptions=subscribers, news=CatalogHandlers(subscribers, collector),
                digests=collector, jobs=TranslateHandlers(subscribers, collector),
                retention=Retention(deliveries, people, clock, opts, subscribers))
        parts = wirings[id(runtime)][1]
        if last_use:
            del wirings[id(runtime)]
        return parts

    def routers(runtime: Runtime) -> Sequence[NatsRouter]:
        parts = wiring(runtime)
        return [event_routers(runtime, parts.handlers.routes(), parts.news.routes(),
                              parts.jobs.routes()),
                rpc_router(runtime, parts.mailer.deliveries, clock, parts.mailer.due.add),
                subscription_router(runtime, parts.subscriptions)]

    def background(runtime: Runtime) -> Sequence[Coroutine[Any, Any, None]]:
        parts = wiring(runtime, last_use=True)
        return [parts.sender.run(), parts.poller.run(), parts.digests.run(),
                parts.retention.run()]

    return ServiceSpec(
        name="notify",
        indexes=[*Inbox.indexes(), *store.INDEXES, *audience.INDEXES,
                 *subscriptions.INDEXES, *digests.INDEXES],
        routers=routers,
        extra_streams=(service_stream("registration"), service_stream("catalog"),
                       service_stream("translate")),
        outbox_collections=(store.DELIVERIES,),
        background=background,
    )


SPEC = build_spec()
