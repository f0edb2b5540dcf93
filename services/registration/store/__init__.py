"""The only code of the registration service that knows MongoDB: its documents, queries,
conditional writes and indexes, and the stand-in's quirks they work around.

The Store is one object over the two collections (base.py says what they hold), in four
parts: session documents (sessions.py, their list filters in session_filters.py), the seat
ledger inside them (ledger.py), registration documents (registrations.py) and the
certificates inside them (certificates.py); gatherings (the API's events, gatherings.py) and
personal invitations (invitations.py) have collections of their own.
"""

from __future__ import annotations

from services.registration.store.base import ACTIVE, REGISTRATIONS, SESSIONS, SUMMARY
from services.registration.store.certificates import CertificateDocuments
from services.registration.store.gatherings import GatheringDocuments, gathering_indexes
from services.registration.store.invitations import (
    INVITATIONS,
    InvitationDocuments,
    invitation_indexes,
)
from services.registration.store.ledger import SeatLedger
from services.registration.store.registrations import RegistrationDocuments
from services.registration.store.sessions import SessionDocuments
from shared.db import IndexSpec
from shared.inbox import Inbox

__all__ = ["ACTIVE", "INVITATIONS", "REGISTRATIONS", "SESSIONS", "SUMMARY", "Store", "indexes"]


class Store(SessionDocuments, SeatLedger, RegistrationDocuments, CertificateDocuments,
            GatheringDocuments, InvitationDocuments):
    """Documents of one service database."""


def indexes() -> list[IndexSpec]:
    """Every index of the service (the outbox relay adds its own)."""
    return [
        *Inbox.indexes(),
        IndexSpec(REGISTRATIONS, (("session_id", 1), ("email_key", 1)), unique=True),
        # `status` alone serves the sweep of registrations left `received`; with
        # `release_due` the sweep of cancellations whose place is still to give back.
        IndexSpec(REGISTRATIONS, (("status", 1), ("release_due", 1))),
        # Holds whose time to confirm the address is over.
        IndexSpec(REGISTRATIONS, (("status", 1), ("confirm_due", 1))),
        IndexSpec(SESSIONS, (("status", 1), ("starts_at", 1))),
        # `status` alone, for the sweeper's queries (stuck, lapsed, releases due, cancelled
        # sessions, running sessions): redundant on MongoDB, where the compound indexes above
        # serve a query on their first field, but the embedded stand-in serves a query only
        # from a single-field index and would read every document of the collection.
        IndexSpec(REGISTRATIONS, (("status", 1),)),
        IndexSpec(SESSIONS, (("status", 1),)),
        # Verifying a certificate code, current or superseded.
        IndexSpec(REGISTRATIONS, (("certificate.code", 1),)),
        IndexSpec(REGISTRATIONS, (("superseded_codes", 1),)),
        *gathering_indexes(),
        *invitation_indexes(),
    ]
