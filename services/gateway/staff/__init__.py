"""The staff pages: `/staff/...`, for the secretariat, editors, translators and admins.

A package apart from the public site (services/gateway/site), made the same way: one module
per group of pages under `pages/`, each with a `HANDLERS` list mounted here; templates extend
`staff_base.html`; texts come from the gettext domain `staff`. Every page but the sign-in ones
has a guard (`people.staff_only(...)`); CSRF is the site's (every POST form carries the
token); every POST is recorded in the audit log by `audit.Audit`. See README.md here.
"""

from __future__ import annotations

from litestar import Router

from services.gateway.auth import Guard
from services.gateway.staff import i18n
from services.gateway.staff.pages import (
    admin,
    deliveries,
    documents,
    home,
    ingest,
    numbers_desk,
    registrations,
    sessions,
    sessions_actions,
    sessions_agenda,
    sessions_mail,
    sign_in,
    translations,
    translations_review,
)
from services.gateway.staff.people import SignInRequired, to_sign_in

PAGE_MODULES = (home, admin, sessions, sessions_actions, sessions_mail, registrations, ingest,
                deliveries, documents, translations, translations_review, sessions_agenda,
                numbers_desk)
"""Signed-in pages; add a new desk's module here."""

__all__ = ["PAGE_MODULES", "staff_routers"]


def staff_routers(limit: Guard) -> list[Router]:
    """The sign-in pages behind the public rate limit; the signed-in pages behind guards."""
    handlers = {"exception_handlers": {SignInRequired: to_sign_in}}
    public = Router("/", route_handlers=sign_in.HANDLERS, guards=[limit],
                    include_in_schema=False, **handlers)  # type: ignore[arg-type]
    desks = Router("/", route_handlers=[h for m in PAGE_MODULES for h in m.HANDLERS],
                   include_in_schema=False, **handlers)  # type: ignore[arg-type]
    return [public, desks]


# Compile every language's catalog at import, so a broken .po stops the start, not a page.
for _lang in i18n.LANGUAGES:
    i18n.translations(_lang)
