"""Certificates inside registration documents: issuing one, replacing it after a name is
corrected, and finding a registration by a code it holds or held.

Both writes are guarded, so two attendance lists or two corrections at once issue one
certificate, never two codes of which only one is kept; the event goes in the same write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.registration.store.base import Collections, with_events
from shared.db import Document


class CertificateDocuments(Collections):
    """The `certificate` and `superseded_codes` fields of the `registrations` collection."""

    async def issue_certificate(self, registration_id: str, certificate: Document,
                                event: Document) -> bool:
        """Record the certificate of a confirmed participant who has none yet (once)."""
        # `$in: [None]` matches a missing field on MongoDB and on the stand-in alike.
        result = await self.registrations.update_one(
            {"_id": registration_id, "status": "confirmed",
             "certificate": {"$in": [None]}},
            with_events({"certificate": certificate}, [event]))
        return result.matched_count == 1

    async def correct_name(self, registration_id: str, current_code: str | None,
                           changes: dict[str, Any], events: Sequence[Document]) -> bool:
        """Set the corrected name (and the new certificate) if the registration still holds
        the certificate `current_code` (None: still none)."""
        expect: dict[str, Any] = {"certificate.code": current_code} if current_code \
            else {"certificate": {"$in": [None]}}
        result = await self.registrations.update_one(
            {"_id": registration_id, "anonymized": {"$in": [False, None]}, **expect},
            with_events(changes, events))
        return result.matched_count == 1

    async def registration_by_certificate(self, code: str) -> Document | None:
        """The registration whose certificate has `code`, or whose old one had it."""
        # Two plain indexed reads: the stand-in evaluates `$or` outside SQL. `$in` for the
        # array: with an index on it, the stand-in's plain equality misses its elements.
        found = await self.registrations.find_one({"certificate.code": code}, {"outbox": 0})
        return found or await self.registrations.find_one(
            {"superseded_codes": {"$in": [code]}}, {"outbox": 0})
