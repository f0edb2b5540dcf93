"""The editors' document form, without I/O: what a form holds, the request it makes, and
which field a refusal points at. Messages stay message ids here; the page translates them
(`documents_common.in_language`) once it knows the reader's language.

The form's fields are flat (`title_es`, `summary_en`, `topics`...) because HTML forms are;
the catalog's contract is nested (`title.es`). Every refusal, whether the gateway's own check
of the contract or the catalog's rules found it, comes back as a field name of the form and a
message in the reader's language, so the page can show it at the field and in the summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from pydantic import ValidationError

from services.gateway.staff.nav import N_
from shared.contracts.catalog.editing import EditingView
from shared.contracts.catalog.rpc import DocumentChanges, DocumentDraft

TEXT_LANGUAGES: Final = ("es", "en", "pt", "fr")
"""Languages an editor may write in; es and en are shown open, pt and fr folded."""
TEXTS: Final = ("title", "summary", "body")
LISTS: Final = ("authors", "institutions")
Values = dict[str, Any]
"""A form's values: strings, except `topics` (a list of codes)."""

MESSAGES: Final[dict[str, str]] = {
    "type": N_("Choose the type of document."),
    "source_language": N_("Choose the language the document was written in."),
    "title": N_("Enter the title in the original language (at most 500 characters)."),
    "summary": N_("The summary is too long."),
    "body": N_("The text is too long."),
    "topics": N_("Choose at most 20 topics."),
    "countries": N_("Enter the two-letter codes of INGP member states, separated by commas "
                    "(e.g. PA, CL)."),
    "authors": N_("Enter at most 50 names, one a line, each of at most 200 characters."),
    "institutions": N_("Enter at most 50 names, one a line, each of at most 200 characters."),
    "published_on": N_("Enter the date as year-month-day, e.g. 2027-03-14."),
    "url": N_("Enter a link that starts with https:// or http://."),
    "file": N_("Choose a PDF, DOCX, PPTX, ODT, TXT, Markdown, MP4 or MP3 file of at most "
               "20 MB."),
    "reason": N_("Enter why the document is withdrawn, in at most 1,000 characters."),
}
OTHER: Final = N_("Check this field.")


def empty_values() -> Values:
    """A new document's form: Spanish original, everything else blank."""
    return {"type": "", "source_language": "es", "topics": [], "countries": "",
            "authors": "", "institutions": "", "published_on": "", "url": ""}


def values_of_view(view: EditingView) -> Values:
    """A stored document as the form shows it."""
    values: Values = {"type": view.type, "source_language": view.source_language,
                      "topics": list(view.topics), "countries": ", ".join(view.countries),
                      "authors": "\n".join(view.authors),
                      "institutions": "\n".join(view.institutions),
                      "published_on": view.published_on.isoformat() if view.published_on else "",
                      "url": view.url or ""}
    for name, texts in view.texts.items():
        for lang, text in texts.items():
            values[f"{name}_{lang}"] = text
    return values


def values_of_form(form: Mapping[str, Any], topics: Iterable[str]) -> Values:
    """What was typed, kept as typed (to show it again if refused)."""
    names = ("type", "source_language", "countries", *LISTS, "published_on", "url",
             *(f"{name}_{lang}" for name in TEXTS for lang in TEXT_LANGUAGES))
    values: Values = {name: str(form.get(name, "")) for name in names}
    values["topics"] = [str(code) for code in topics]
    return values


def _texts(values: Values, name: str, stored: Values) -> dict[str, str]:
    """One text field per language. A blank one is sent only to clear a text that is stored
    (and never for a title, which cannot be blank): a blank sent for a language never
    written would count as an editor writing it."""
    found = {lang: str(values.get(f"{name}_{lang}", "")).strip() for lang in TEXT_LANGUAGES}
    return {lang: text for lang, text in found.items()
            if text or (name != "title" and stored.get(f"{name}_{lang}"))}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def request_body(values: Values, stored: Values | None = None) -> dict[str, Any]:
    """The JSON body of `POST /v1/documents` (nothing `stored`: creating) or of
    `PATCH /v1/documents/{id}` (the form's values of the stored document in `stored`)."""
    creating = stored is None
    body: dict[str, Any] = {name: texts for name in TEXTS
                            if (texts := _texts(values, name, stored or {}))}
    body.update(topics=list(values.get("topics") or []),
                countries=[c for c in re.split(r"[\s,;]+", values.get("countries", "")) if c],
                authors=_lines(values.get("authors", "")),
                institutions=_lines(values.get("institutions", "")))
    for name in ("type", "published_on", "url"):
        if str(values.get(name, "")).strip():
            body[name] = str(values[name]).strip()
    if creating:
        body["source_language"] = values.get("source_language") or ""
    return body


def checked(values: Values, stored: Values | None = None
            ) -> tuple[DocumentDraft | DocumentChanges | None, dict[str, str]]:
    """The contract's request for the form (a draft when nothing is `stored`), or the
    fields it breaks (as a service would)."""
    body = request_body(values, stored)
    try:
        if stored is None:
            return DocumentDraft.model_validate(body), {}
        return DocumentChanges.model_validate(body), {}
    except ValidationError as error:
        problems = [{"loc": e["loc"], "msg": e["msg"]} for e in error.errors()]
        return None, field_errors(problems, values.get("source_language") or "es")


def field_of(error: Mapping[str, Any], source_language: str) -> str:
    """The form field a refusal names: `loc` of a contract check (`draft.title.es`) or
    `source`/`field` of a rule (`title`, `countries`)."""
    path = [str(p) for p in error.get("loc") or []]
    if not path:
        path = str(error.get("source") or error.get("field") or "").split(".")
    path = [p for p in path if p not in ("draft", "changes", "body", "")]
    if not path:
        return "form"
    name = path[0]
    if name in TEXTS:
        lang = path[1] if len(path) > 1 and path[1] in TEXT_LANGUAGES else source_language
        return f"{name}_{lang}"
    return name


def message_for(field: str) -> str:
    """What to tell the editor about `field` (a message id: the page translates it)."""
    return MESSAGES.get(field.split("_")[0] if field.startswith(TEXTS) else field, OTHER)


def field_errors(errors: Iterable[Mapping[str, Any]], source_language: str) -> dict[str, str]:
    """Each refused field once, in the order the refusal lists them, with its message id."""
    found: dict[str, str] = {}
    for error in errors:
        field = field_of(error, source_language)
        found.setdefault(field, message_for(field))
    return found
