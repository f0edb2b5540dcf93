"""What the editors' desk pages share: their guard, who acts, and the labels of statuses and
of each language version's provenance (the texts a person reads, in their language)."""

from __future__ import annotations

from typing import Any, Final

from litestar import Request
from litestar.response import Redirect

from services.gateway.site.formatting import Reader
from services.gateway.site.render import reader_of
from services.gateway.staff import i18n
from services.gateway.staff.i18n import gettext
from services.gateway.staff.nav import N_
from services.gateway.staff.people import signed_in_person, staff_only
from shared.contracts.catalog.rpc import LanguageVersion

EDITORS: Final = [staff_only("editor", "secretariat")]
"""The same roles as the `/v1/documents` routes (and the menu's entry)."""

STATUS_LABELS: Final[dict[str, str]] = {
    "draft": N_("Draft"), "published": N_("Published"), "withdrawn": N_("Withdrawn")}
LANGUAGE_STATUS_LABELS: Final[dict[str, str]] = {
    "original": N_("Original"), "machine_draft": N_("Machine draft"),
    "reviewed": N_("Reviewed"), "missing": N_("Missing")}
PRODUCER_LABELS: Final[dict[str, str]] = {
    "editor": N_("written by an editor"), "ingest": N_("sent by %(source)s"),
    "machine": N_("machine translation (%(engine)s)"),
    "translator": N_("translated and reviewed by a translator")}


def status_label(status: str) -> str:
    """A document's status in the reader's language."""
    return gettext(STATUS_LABELS.get(status, status))


def language_status_label(status: str) -> str:
    """A language version's status in the reader's language."""
    return gettext(LANGUAGE_STATUS_LABELS.get(status, status))


def provenance(version: LanguageVersion, source: str | None) -> str:
    """Who or what produced a language version ('' when it is missing). Names only the kind
    of producer and the engine or sending system: account and key ids mean nothing to a
    reader, and a person's name is not repeated on every row."""
    if version.produced_by is None:
        return ""
    text = gettext(PRODUCER_LABELS[version.produced_by]) % {
        "source": source or "?", "engine": version.engine or "?"}
    if version.stale:
        text += " · " + gettext("out of date: the original changed since")
    return text


def speak(request: Request[Any, Any, Any]) -> Reader:
    """The reader, with their language made current for the labels made before rendering."""
    reader = reader_of(request)
    i18n.use(reader.lang)
    return reader


def in_language(request: Request[Any, Any, Any], messages: dict[str, str]) -> dict[str, str]:
    """Field errors (message ids) in the reader's language."""
    i18n.use(reader_of(request).lang)
    return {field: i18n.gettext(message) for field, message in messages.items()}


def editor_of(request: Request[Any, Any, Any]) -> str | None:
    """The staff account acting, as the catalog records the editor (the API records the
    key's id in the same place)."""
    person = signed_in_person(request)
    return person.account_id if person else None


def back_to(path: str) -> Redirect:
    """POST, redirect, GET: the answer to a form that worked."""
    return Redirect(path, status_code=303, headers={"Cache-Control": "no-store"})
