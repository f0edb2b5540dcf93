"""Wires the notify service: mail, reminders, subscriptions.

`build_spec` lets tests inject a clock and their own notify settings; `SPEC` is production's.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
from shared.service import Parts, Runtime, ServiceSpec
from shared.tokens import Signer


def system_clock() -> datetime:
    """The real time, in UTC."""
    return datetime.now(UTC)


def build_spec(clock: Clock = system_clock, options: NotifySettings | None = None
               ) -> ServiceSpec:
    """The notify service with this clock and these settings."""
    opts = options or NotifySettings()
    strings, renderer = Strings.load(), Renderer()

    def build(runtime: Runtime) -> Parts:
        deliveries, due = Deliveries(runtime.db), DueMails(clock)
        mailer = Mailer(deliveries, runtime.settings, clock, strings, renderer, due)
        people = Audience(runtime.db)
        signer = Signer(runtime.settings.token_secret, runtime.settings.older_token_secrets())
        subscribers = SubscriptionService(runtime.db, mailer, signer)
        collector = Digests(subscribers, opts)
        sender = Sender(deliveries, runtime.settings, opts, runtime.outbox, clock,
                        runtime.instance, due, subscribers.still_wanted)
        poller = ReminderPoller(people, mailer, opts, runtime.instance)
        retention = Retention(deliveries, people, clock, opts, subscribers)
        return Parts(
            routers=[event_routers(runtime, RegistrationHandlers(people, mailer, opts).routes(),
                                   CatalogHandlers(subscribers, collector).routes(),
                                   TranslateHandlers(subscribers, collector).routes()),
                     rpc_router(runtime, deliveries, clock, due.add),
                     subscription_router(runtime, subscribers)],
            background=[sender.run, poller.run, collector.run, retention.run])

    return ServiceSpec(
        name="notify",
        indexes=[*Inbox.indexes(), *store.INDEXES, *audience.INDEXES,
                 *subscriptions.INDEXES, *digests.INDEXES],
        build=build,
        extra_streams=(service_stream("registration"), service_stream("catalog"),
                       service_stream("translate")),
        outbox_collections=(store.DELIVERIES,),
    )


SPEC = build_spec()
