"""The registration form: its fields and choices, checking a submission, and sending it once.

Every field of the API's `RegistrationForm` is on the form. A refusal is shown next to the
field it names, with what the person typed kept; the messages say what to do, in the reader's
language (pydantic's own messages are English and technical).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import cache
from importlib.resources import files
from typing import Any

from babel import Locale
from pydantic import ValidationError

from services.gateway.site.i18n import gettext as _
from shared.contracts.registration.rpc import RegistrationForm, SessionView
from shared.reference import LANGUAGES, SECTORS

FIELDS = ("name", "email", "country", "institution", "sector", "job_title", "gender",
          "preferred_language", "consent", "accessibility_needs", "invitation_token")
GENDERS = ("female", "male", "non_binary", "prefer_not_to_say")


def messages() -> dict[str, str]:
    """What to do about each field, in the current language."""
    return {
        "name": _("Enter your full name"),
        "email": _("Enter your e-mail address as name@example.org"),
        "country": _("Choose the country where you work"),
        "institution": _("Enter the name of your institution"),
        "sector": _("Choose the sector you work in"),
        "job_title": _("Enter your job title"),
        "gender": _("Choose one of the options, or none"),
        "preferred_language": _("Choose the language of our e-mails to you"),
        "consent": _("Tick the box to agree to how we use your data, or we cannot register you"),
        "accessibility_needs": _("Write at most 2,000 characters about accessibility needs"),
        "invitation_token": _("Enter the invitation code from your invitation e-mail"),
    }


def refusal_message(code: str) -> str:
    """What to do when the service refuses an invitation (403) or finds it expired (410)."""
    if code == "gone":
        return _("This invitation has expired. Ask the secretariat for a new one")
    return _("This invitation is not valid for this session. Check the code in your e-mail")


@cache
def _iso_countries() -> frozenset[str]:
    # The same ISO 3166-1 list the registration service checks codes against (tzdata's).
    text = files("tzdata.zoneinfo").joinpath("iso3166.tab").read_text(encoding="utf-8")
    return frozenset(line.split("\t", 1)[0] for line in text.splitlines()
                     if line and not line.startswith("#"))


@cache
def countries(lang: str) -> list[tuple[str, str]]:
    """(code, name in `lang`) for every country, sorted by name (CLDR names via Babel)."""
    names = Locale.parse(lang).territories
    found = [(code, names.get(code, code)) for code in _iso_countries()]
    return sorted(found, key=lambda item: item[1].casefold())


def choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    """The options of each choice field, labelled in `lang`."""
    return {
        "country": countries(lang),
        "sector": [(s.code, s.labels.for_language(lang)) for s in SECTORS],
        "gender": [("female", _("Woman")), ("male", _("Man")),
                   ("non_binary", _("Non-binary")),
                   ("prefer_not_to_say", _("I prefer not to say"))],
        "preferred_language": [(code.code, code.labels.for_language(code.code))
                               for code in LANGUAGES],
    }


def form_context(session: SessionView, values: dict[str, str], errors: dict[str, str],
                 lang: str) -> dict[str, Any]:
    """What session.html needs to draw the form: values kept, errors, a fresh form key."""
    options: dict[str, Any] = {f"{name}_options": found for name, found in choices(lang).items()}
    names = dict(options["country_options"])
    options["country_name"] = lambda code: names.get(str(code).upper(), code)
    return {"values": values, "errors": errors, "has_errors": bool(errors), **options,
            "form_key": values.get("form_key") or secrets.token_urlsafe(18),
            "invite_only": session.visibility == "invite_only"}


def submitted(form: dict[str, Any]) -> dict[str, str]:
    """The form's fields as typed (strings, trimmed only by the model later)."""
    values = {name: str(form.get(name) or "") for name in (*FIELDS, "form_key")}
    values["form_key"] = values["form_key"][:100]
    return values


def check(values: dict[str, str]) -> tuple[RegistrationForm | None, dict[str, str]]:
    """The valid form, or the errors by field (in the form's order)."""
    data: dict[str, Any] = {k: v for k, v in values.items()
                            if k in FIELDS and v.strip() != ""}
    data["consent"] = values.get("consent") == "true"
    if data.get("country"):
        data["country"] = data["country"].upper()
    try:
        return RegistrationForm.model_validate(data), {}
    except ValidationError as error:
        wrong = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        text = messages()
        return None, {name: text[name] for name in FIELDS if name in wrong}


def fingerprint(form: RegistrationForm, session_id: str) -> str:
    """What identifies the request behind a form key (never stored in clear)."""
    body = json.dumps([session_id, form.model_dump(mode="json")], sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()
