"""Keep each durable consumer's terms what the code declares, across upgrades.

FastStream (through nats-py) binds to a durable consumer that already exists as it finds it:
a release that changes a consumer's filter, `max_deliver` or ack wait would otherwise go on
reading with the old terms, silently (the catalog's ingest consumer, moved from
`ingest.catalog.document.v1` to `ingest.catalog.*.document.v1`, would have read nothing).
Before a service starts consuming, every durable it declares and that exists with other terms
is updated in place (JetStream edits a durable's filter and limits; its position and pending
messages stay). A durable that does not exist yet is left to FastStream, which creates it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import nats.js.errors
from faststream.nats import NatsBroker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DurableTerms:
    """What the code declares for one durable consumer."""

    stream: str
    name: str
    filter_subject: str
    max_deliver: int
    ack_wait: float
    """Seconds."""


async def bring_durables_up_to_date(broker: NatsBroker, durables: list[DurableTerms]) -> None:
    """Update every existing durable in `durables` whose terms differ from the declared ones."""
    js = broker.connection.jetstream()
    for terms in durables:
        try:
            config = (await js.consumer_info(terms.stream, terms.name)).config
        except nats.js.errors.NotFoundError:
            continue
        found = (config.filter_subject, config.max_deliver, config.ack_wait)
        if found == (terms.filter_subject, terms.max_deliver, terms.ack_wait):
            continue
        config.filter_subject = terms.filter_subject
        config.max_deliver = terms.max_deliver
        config.ack_wait = terms.ack_wait
        await js.add_consumer(terms.stream, config)  # create-or-update by its durable name
        log.warning("durable consumer brought up to date", extra={
            "stream": terms.stream, "durable": terms.name, "filter": terms.filter_subject,
            "was_filter": found[0]})
