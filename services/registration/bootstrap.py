"""Wires the registration service: sessions, participants, waiting lists, attendance."""

from shared.bus import INGEST_STREAM
from shared.inbox import Inbox
from shared.service import ServiceSpec

SPEC = ServiceSpec(
    name="registration",
    indexes=Inbox.indexes(),
    extra_streams=(INGEST_STREAM,),  # other systems send attendance lists on ingest.registration.>
    outbox_collections=("sessions",),
)
