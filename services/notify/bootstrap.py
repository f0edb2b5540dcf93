"""Wires the notify service: mail, reminders, subscriptions."""

from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(name="notify", indexes=Inbox.indexes(), outbox_collections=("deliveries",))
