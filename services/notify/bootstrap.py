"""Wires the notify service: the store, the delivery wing, the handlers' context, and what
serves and runs (consumers, responders, the sender and the timed loops).

`build_spec` lets tests inject a clock, their own notify settings and their mail server;
`SPEC` reads the mail server from the environment when it starts (`__main__` reads it before,
so a bad `SMTP_*` stops the process at once with one line per problem).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from services.notify import pollers, store
from services.notify.delivery.due import DueMails
from services.notify.delivery.mailer import Mailer
from services.notify.delivery.mime import Renderer
from services.notify.delivery.sender import Sender
from services.notify.domain.strings import Strings
from services.notify.entrypoints import event_router, rpc_router
from services.notify.handlers.context import Context
from services.notify.handlers.subscriptions import still_wanted
from services.notify.settings import NotifySettings, SmtpSettings
from shared.bus import service_stream
from shared.clock import Clock, utc_now
from shared.inbox import Inbox
from shared.service import Parts, Runtime, ServiceSpec
from shared.settings import settings_for
from shared.tokens import Signer


def build_spec(clock: Clock = utc_now, options: NotifySettings | None = None,
               smtp: SmtpSettings | None = None) -> ServiceSpec:
    """The notify service with this clock, these settings and this mail server (unless
    given, `SMTP_*` as `settings_for` reads them when the service starts)."""
    opts = options or NotifySettings()
    strings, renderer = Strings.load(), Renderer()

    def build(runtime: Runtime) -> Parts:
        server = smtp or settings_for(runtime.service, SmtpSettings)
        data = store.Store.on(runtime.db)
        due = DueMails(clock, runtime.instance, timedelta(seconds=opts.lease_seconds))
        mailer = Mailer(data.deliveries, runtime.settings, server, clock, strings, renderer,
                        due)
        signer = Signer(runtime.settings.token_secret, runtime.settings.older_token_secrets())
        ctx = Context(data, mailer, signer, opts, clock)
        sender = Sender(data.deliveries, server, opts, runtime.outbox, clock,
                        runtime.instance, due, partial(still_wanted, ctx))
        return Parts(
            routers=[event_router(runtime, ctx), rpc_router(runtime, ctx)],
            background=[sender.run, partial(pollers.send_reminders, ctx, runtime.instance),
                        partial(pollers.send_materials_mails, ctx, runtime.instance),
                        partial(pollers.send_digests, ctx),
                        partial(pollers.purge_personal_data, ctx)])

    return ServiceSpec(
        name="notify",
        indexes=[*Inbox.indexes(), *store.INDEXES],
        build=build,
        extra_streams=(service_stream("registration"), service_stream("catalog"),
                       service_stream("translate")),
        outbox_collections=store.OUTBOX_COLLECTIONS,
    )


SPEC = build_spec()
