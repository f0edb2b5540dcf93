"""Gatherings (the API's events): creating, changing and publishing them, registering once for
every part, and the checks sessions and direct registrations make against them.

A gathering's parts are sessions whose `event_id` names it; each keeps its own seats, rules
and events, so registering for the whole gathering is the ordinary registration, once per
published part (handlers/registrations.py), and each part answers by its own rules: a full
part waitlists the person there, a closed one refuses, the others still register.
"""

from __future__ import annotations

from datetime import datetime

from services.registration.domain import gatherings as rules
from services.registration.domain.errors import Refusal, field_refusal
from services.registration.handlers import Deps, registrations
from shared.contracts.registration.gatherings import (
    GatheringFields,
    GatheringRegistered,
    PartRefused,
    PartRegistered,
)
from shared.contracts.registration.rpc import RegistrationForm
from shared.db import Document
from shared.ids import new_id

PATCH_ATTEMPTS = 10


def no_gathering(gathering_id: str) -> Refusal:
    return Refusal("not_found", f"There is no event {gathering_id!r}.")


async def gathering_of(deps: Deps, gathering_id: str, *, include_drafts: bool) -> Document:
    """The gathering as the caller may see it (drafts only for the secretariat)."""
    gathering = await deps.store.gathering(gathering_id)
    if gathering is None or not rules.is_shown(gathering, include_drafts=include_drafts):
        raise no_gathering(gathering_id)
    return gathering


async def create(deps: Deps, fields: GatheringFields, now: datetime) -> Document:
    """A draft gathering."""
    document = rules.new_gathering(new_id(now), fields, now)
    await refuse_unknown_series(deps, document)
    await deps.store.insert_gathering(document)
    return document


async def patch(deps: Deps, gathering_id: str, fields: GatheringFields,
                now: datetime) -> Document:
    """Change a gathering; a concurrent edit makes this one read it again and retry."""
    for _ in range(PATCH_ATTEMPTS):
        gathering = await gathering_of(deps, gathering_id, include_drafts=True)
        after = rules.patched(gathering, fields, now)
        await refuse_unknown_series(deps, after)
        if await deps.store.replace_gathering(gathering_id, gathering["rev"], after):
            return after
    raise Refusal("unavailable", "The event is changing; try again.")


async def publish(deps: Deps, gathering_id: str, now: datetime) -> Document:
    """Publish a draft (publishing again changes nothing). Its parts are published apart."""
    gathering = await gathering_of(deps, gathering_id, include_drafts=True)
    if gathering["status"] == "draft":
        await deps.store.change_gathering_status(gathering_id, "draft", rules.published(now))
    return await gathering_of(deps, gathering_id, include_drafts=True)


async def refuse_unknown_event(deps: Deps, event_id: str | None) -> None:
    """A session may only name a gathering that exists (422 naming `event_id`)."""
    if event_id is not None and await deps.store.gathering(event_id) is None:
        raise field_refusal("event_id", f"There is no event {event_id!r}.")


async def refuse_part_registration(deps: Deps, session_id: str) -> None:
    """A part of a gathering registered as a whole is registered for through the gathering
    (409 naming it in `event_id`)."""
    event_id = await deps.store.part_event(session_id)
    if event_id is None:
        return
    gathering = await deps.store.gathering(event_id)
    if gathering is not None and rules.registers_as_a_whole(gathering):
        raise Refusal("conflict", "This session is a part of an event registered for as a "
                      f"whole: register at /v1/events/{event_id}/registrations.",
                      {"event_id": event_id})


async def register_for_all_parts(deps: Deps, gathering_id: str, form: RegistrationForm,
                                 now: datetime) -> GatheringRegistered:
    """Register the person in every published part, in time order, each by its own rules."""
    gathering = await gathering_of(deps, gathering_id, include_drafts=False)
    if gathering["status"] != "published":
        raise Refusal("gone", "The event was cancelled.")
    if not rules.registers_as_a_whole(gathering):
        raise Refusal("conflict", "Each part of this event has its own registration: "
                      "register for the sessions themselves.", {"event_id": gathering_id})
    parts = [p for p in await deps.store.parts([gathering_id]) if p["status"] == "published"]
    if not parts:
        raise Refusal("conflict", "The event has no part open yet.", {"event_id": gathering_id})
    return GatheringRegistered(event_id=gathering_id,
                               parts=[await _register_for(deps, p, form, now) for p in parts])


async def _register_for(deps: Deps, part: Document, form: RegistrationForm,
                        now: datetime) -> PartRegistered:
    """One part's outcome; its refusal is reported, not raised, so the others go on."""
    try:
        reply = await registrations.register(deps, part["_id"], form, now)
    except Refusal as refusal:
        return PartRegistered(session_id=part["_id"], starts_at=part["starts_at"],
                              created=False,
                              refused=PartRefused(code=refusal.code, message=refusal.message))
    return PartRegistered.of(part["_id"], part["starts_at"], reply)


async def refuse_unknown_series(deps: Deps, gathering: Document) -> None:
    """Refuse (naming `series_id`) an edition whose series is no gathering of kind series."""
    series_id = gathering.get("series_id")
    if series_id is None:
        return
    if series_id == gathering["_id"] or not rules.may_be_a_series(
            await deps.store.gathering(series_id)):
        raise field_refusal("series_id", f"There is no series {series_id!r}.")
