"""What a session says about itself beyond its agenda: its venue and the institutions behind it.

Faults are reported as in `agenda.py` (`{"loc": [...], "msg": ...}`), naming the exact field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from services.registration.domain.agenda import Fault, fault
from shared.reference import is_member_state

PHYSICAL = ("in_person", "hybrid")
"""Venue modes with a place people travel to."""
INSTITUTION_LISTS = ("organisers", "partners")


def venue_is_physical(venue: Mapping[str, Any]) -> bool:
    return venue.get("mode") in PHYSICAL


def institution_is_named(institution: Mapping[str, Any]) -> bool:
    """An institution is named by its `name`, or by `agency` (the reference data names it)."""
    return bool(institution.get("name") or institution.get("agency"))


def agency_is_a_member_state(code: str) -> bool:
    """Only member states have a national procurement agency in the reference data."""
    return is_member_state(code)


def venue_faults(venue: Mapping[str, Any]) -> list[Fault]:
    """A venue people travel to needs its city and country (the rest is optional)."""
    if not venue_is_physical(venue):
        return []
    return [fault(["venue", name], f"A {venue['mode']} venue needs its {name}.")
            for name in ("city", "country") if not venue.get(name)]


def institution_faults(session: Mapping[str, Any]) -> list[Fault]:
    """Every organiser and partner is named, and an agency is a member state's."""
    return [found for field in INSTITUTION_LISTS
            for found in _faults_of(field, session.get(field) or [])]


def _faults_of(field: str, institutions: Sequence[Mapping[str, Any]]) -> Iterator[Fault]:
    for i, institution in enumerate(institutions):
        if not institution_is_named(institution):
            yield fault([field, i, "name"], "An institution needs a `name` or an `agency`.")
        agency = institution.get("agency")
        if agency and not agency_is_a_member_state(agency):
            yield fault([field, i, "agency"],
                        f"{agency} is not a member state: no agency of it is known.")
