"""Wires the translate service: the translation job queue, memory and glossary."""

from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(name="translate", indexes=Inbox.indexes(), outbox_collections=("jobs",))
