"""The session form of the secretariat's desk: what was typed, as `SessionFields`, and back.

Pure functions (no request, no bus), so each rule has a small unit test. Times are typed as a
wall-clock time (`datetime-local`) in the session's own zone, as the secretariat announces
them; the service stores UTC. A refusal of the service names fields as the API does
(`title`, `starts_at`, ...); `field_of` says which input of the form shows it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final, get_args

from pydantic import ValidationError

from services.gateway.site.formatting import aware, zone
from shared.contracts.registration.rpc import SessionFields, SessionView
from shared.reference import LanguageCode, TopicCode

LANGS: Final = get_args(LanguageCode)
TOPICS: Final = frozenset(get_args(TopicCode))
WALL_CLOCK: Final = "%Y-%m-%dT%H:%M"
DEFAULT_ZONE: Final = "America/New_York"
"""The zone a new session starts with: the OAS headquarters'."""
TEXT_INPUTS: Final = (*(f"title_{lang}" for lang in LANGS),
                      *(f"summary_{lang}" for lang in LANGS), "format", "starts_at", "ends_at",
                      "timezone", "capacity", "visibility", "join_url")


def N_(message: str) -> str:
    """Mark a message for extraction; the template translates it."""
    return message


MESSAGES: Final[dict[str, str]] = {
    "title_es": N_("Enter a title in Spanish or English."),
    "summary_es": N_("Check the summary."),
    "format": N_("Choose a format."),
    "topics": N_("Choose known topics."),
    "starts_at": N_("Enter when the session starts."),
    "ends_at": N_("Enter an end after the start."),
    "timezone": N_("Enter a time zone by its IANA name, such as America/Panama."),
    "languages": N_("Choose at least one language."),
    "capacity": N_("Enter a whole number of seats from 1, or leave it empty."),
    "visibility": N_("Choose who may register."),
    "join_url": N_("Enter an address starting with https://, or leave it empty."),
    "form": N_("The session could not be saved as it is; check every field."),
}
"""The message each input shows when it is wrong (msgids; translated when shown)."""

API_FIELDS: Final[dict[str, str]] = {
    "title": "title_es", "summary": "summary_es", "registration_closes_at": "starts_at",
    "registration_opens_at": "starts_at",
}


def field_of(api_field: str) -> str:
    """The form's input that shows a problem with the API's field `api_field`."""
    name = api_field.split(".")[0]
    if name in API_FIELDS:
        return API_FIELDS[name]
    return name if name in MESSAGES else "form"


def errors_for(api_fields: Iterable[str]) -> dict[str, str]:
    """{input: message} for the fields a refusal named, in the form's order."""
    named = {field_of(name) for name in api_fields} or {"form"}
    return {name: MESSAGES[name] for name in MESSAGES if name in named}


def submitted(form: Mapping[str, Any], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The form as typed (text inputs stripped, checkbox groups as lists), to show again."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in TEXT_INPUTS}
    values["topics"] = [t for t in lists.get("topics", []) if t in TOPICS]
    values["languages"] = [lang for lang in lists.get("languages", []) if lang in LANGS]
    values["requires_approval"] = form.get("requires_approval") == "true"
    values["timezone"] = values["timezone"] or DEFAULT_ZONE
    return values


def moment(text: str, zone_name: str) -> datetime | None:
    """A wall-clock time typed in the form, in `zone_name`; None if either is not valid."""
    place = zone(zone_name)
    try:
        typed = datetime.strptime(text, WALL_CLOCK)
    except ValueError:
        return None
    return typed.replace(tzinfo=place) if place is not None else None


def _texts(values: Mapping[str, Any], prefix: str) -> dict[str, str]:
    return {lang: values[f"{prefix}_{lang}"] for lang in LANGS if values[f"{prefix}_{lang}"]}


def _time_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if zone(values["timezone"]) is None:
        errors["timezone"] = MESSAGES["timezone"]
    elif moment(values["starts_at"], values["timezone"]) is None:
        errors["starts_at"] = MESSAGES["starts_at"]
    elif moment(values["ends_at"], values["timezone"]) is None:
        errors["ends_at"] = MESSAGES["ends_at"]
    return errors


def _capacity(text: str) -> int | str | None:
    """The capacity typed: a number, None when empty, the text itself when not a number."""
    if not text:
        return None
    return int(text) if text.isdigit() else text


def fields_of(values: Mapping[str, Any], with_times: bool = True
              ) -> tuple[SessionFields | None, dict[str, str]]:
    """The session's fields from the form, or the problems to show beside each input."""
    errors = _time_errors(values) if with_times else {}
    body: dict[str, Any] = {
        "title": _texts(values, "title"), "summary": _texts(values, "summary"),
        "format": values["format"] or None, "topics": values["topics"],
        "languages": values["languages"] or None, "capacity": _capacity(values["capacity"]),
        "visibility": values["visibility"] or None, "join_url": values["join_url"] or None,
        "requires_approval": values["requires_approval"]}
    if with_times and not errors:
        body |= {"timezone": values["timezone"],
                 "starts_at": moment(values["starts_at"], values["timezone"]),
                 "ends_at": moment(values["ends_at"], values["timezone"])}
    if not body["languages"]:
        errors["languages"] = MESSAGES["languages"]
    if not body["title"].get("es") and not body["title"].get("en"):
        errors["title_es"] = MESSAGES["title_es"]
    try:
        fields = SessionFields.model_validate(body)
    except ValidationError as invalid:
        named = (str(e["loc"][0]) for e in invalid.errors() if e["loc"])
        return None, {**errors, **errors_for(named)}
    return (None, errors) if errors else (fields, {})


def values_of(session: SessionView) -> dict[str, Any]:
    """A session as the form shows it: its times on the wall clock of its own zone."""
    place = zone(session.timezone)
    values: dict[str, Any] = {
        **{f"title_{lang}": session.title.get(lang, "") for lang in LANGS},
        **{f"summary_{lang}": session.summary.get(lang, "") for lang in LANGS},
        "format": session.format, "topics": list(session.topics),
        "languages": list(session.languages), "timezone": session.timezone,
        "starts_at": aware(session.starts_at).astimezone(place).strftime(WALL_CLOCK),
        "ends_at": aware(session.ends_at).astimezone(place).strftime(WALL_CLOCK),
        "capacity": "" if session.capacity is None else str(session.capacity),
        "visibility": session.visibility, "join_url": session.join_url or "",
        "requires_approval": session.requires_approval}
    return values


def blank() -> dict[str, Any]:
    """The form of a new session: nothing typed, public, in the default zone."""
    values: dict[str, Any] = {name: "" for name in TEXT_INPUTS}
    values |= {"topics": [], "languages": ["es", "en"], "requires_approval": False,
               "timezone": DEFAULT_ZONE, "visibility": "public"}
    return values
