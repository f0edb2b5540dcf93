"""The subscription form: its fields and choices, and checking a submission.

Every field of the API's `Subscribe` is on the form. A refusal is shown next to the field it
names, with what the person chose kept; the messages say what to do, in the reader's language
(pydantic's own messages are English and technical). Call these after `i18n.use`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar.datastructures import FormMultiDict
from pydantic import ValidationError

from services.gateway.site.formatting import Reader
from services.gateway.site.i18n import gettext as _
from shared.contracts.notify.rpc import Subscribe
from shared.reference import DOCUMENT_TYPES, LANGUAGES, MEMBER_STATES, TOPICS

FIELDS = ("email", "documents", "sessions", "topics", "types", "countries", "translation_pairs",
          "frequency", "language")
"""In the form's order, which is the error summary's."""
LISTS = ("topics", "types", "countries", "translation_pairs")
FREQUENCIES = ("immediate", "daily", "weekly")
PAIRS = tuple(f"{source.code}>{target.code}" for source in LANGUAGES for target in LANGUAGES
              if source.code != target.code)
MAX_CHOSEN = 60
"""More boxes than any list has: a longer list is not from our form and is cut."""


def messages() -> dict[str, str]:
    """What to do about each field, in the current language."""
    return {
        "email": _("Enter your e-mail address as name@example.org"),
        "language": _("Choose the language of our e-mails to you"),
        "frequency": _("Choose how often we write to you"),
        "documents": _("Say whether you want news of documents"),
        "sessions": _("Say whether you want news of sessions"),
        "topics": _("Choose topics from the list"),
        "types": _("Choose document types from the list"),
        "countries": _("Choose countries from the list"),
        "translation_pairs": _("Choose language pairs from the list"),
    }


def frequencies() -> dict[str, str]:
    """How each frequency reads, in the current language."""
    return {
        "immediate": _("As soon as a document is published, one e-mail each"),
        "daily": _("Once a day, one e-mail with the day's documents"),
        "weekly": _("Once a week, one e-mail with the week's documents"),
    }


def choices(reader: Reader) -> dict[str, list[tuple[str, str]]]:
    """The options of each choice field, labelled in the reader's language."""
    countries = sorted(((s.iso2, reader.label("member_states", s.iso2)) for s in MEMBER_STATES),
                       key=lambda item: item[1].casefold())
    pairs = [(pair, _pair_label(reader, pair[:2], pair[3:])) for pair in PAIRS]
    return {
        "language_options": [(c.code, reader.label("languages", c.code)) for c in LANGUAGES],
        "frequency_options": list(frequencies().items()),
        "topics_options": [(t.code, reader.label("topics", t.code)) for t in TOPICS],
        "types_options": [(t.code, reader.label("document_types", t.code))
                          for t in DOCUMENT_TYPES],
        "countries_options": countries,
        "translation_pairs_options": pairs,
    }


def _pair_label(reader: Reader, source: str, target: str) -> str:
    """'From Spanish into English', 'Del español al inglés'."""
    names = [reader.label("languages", code) for code in (source, target)]
    if reader.lang != "en":  # language names are common nouns in es, pt and fr: lower case
        names = [name.lower() for name in names]
    text = _("From %(source)s into %(target)s") % {"source": names[0], "target": names[1]}
    return text[:1].upper() + text[1:]


def initial(lang: str) -> dict[str, Any]:
    """A blank form: the reader's language, news as it comes, every document; sessions
    only if ticked (as in the API, where a subscription hears of them only if it asks)."""
    return {"email": "", "language": lang, "frequency": "immediate", "documents": True,
            "sessions": False,
            **{name: [] for name in LISTS}}


def submitted(form: FormMultiDict) -> dict[str, Any]:
    """The form's fields as sent, kept to show them again."""
    values: dict[str, Any] = {name: str(form.get(name) or "")[:400]
                              for name in ("email", "language", "frequency")}
    values["email"] = values["email"].strip()
    # An unticked box is not sent at all: absent means "no".
    values["documents"] = form.get("documents") == "true"
    values["sessions"] = form.get("sessions") == "true"
    for name in LISTS:
        values[name] = [str(value) for value in form.getall(name, [])][:MAX_CHOSEN]
    return values


def check(values: Mapping[str, Any]) -> tuple[Subscribe | None, dict[str, str]]:
    """The valid request, or what to do about each field (in the form's order)."""
    wrong = set()
    if not set(values["countries"]) <= {state.iso2 for state in MEMBER_STATES}:
        wrong.add("countries")  # the API takes any text; the form offers member states only
    try:
        wish = Subscribe.model_validate({name: values[name] for name in FIELDS})
    except ValidationError as error:
        wrong |= {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        wish = None
    if not wrong:
        return wish, {}
    text = messages()
    return None, {name: text[name] for name in FIELDS if name in wrong}
