"""Rendering a staff page: its own Jinja environment and catalogs, the site's headers.

Staff pages are never cached (`Cache-Control: no-store`): they show what a signed-in person
may see. Every page gets the site's security headers (CSP without inline script or style)
and the layout's context: the person, the navigation their role may open, the CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response
from litestar.utils.empty import value_or_default
from litestar.utils.scope.state import ScopeState

from services.gateway.context import gateway_of
from services.gateway.site import templating as site_templating
from services.gateway.site.render import language_cookie, language_links, reader_of
from services.gateway.site.security import security_headers
from services.gateway.site.static import static_url
from services.gateway.staff import i18n
from services.gateway.staff.nav import role_label, visible_to
from services.gateway.staff.people import signed_in_person

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class StaffPage:
    """What a staff handler asks to render."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    carries_token: bool = False


@cache
def environment() -> Environment:
    """Staff templates first, then the site's (for `macros/forms.html`); autoescaped."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES),
                             FileSystemLoader(site_templating.TEMPLATES)]),
        autoescape=select_autoescape(default=True), extensions=["jinja2.ext.i18n"],
        undefined=site_templating.UnknownNamesFail, trim_blocks=True, lstrip_blocks=True,
        auto_reload=False)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)
    return env


def _context(request: Request[Any, Any, Any], lang: str) -> dict[str, Any]:
    person = signed_in_person(request)
    csrf = value_or_default(ScopeState.from_scope(request.scope).csrf_token, None)
    return {"lang": lang, "person": person, "csrf_token": csrf, "path": request.url.path,
            "static": static_url, "languages": language_links(
                request, lang, None if request.method in ("GET", "HEAD") else "/staff"),
            "role_label": role_label,
            "nav": visible_to(person.role) if person else []}


def render_staff(request: Request[Any, Any, Any], page: StaffPage) -> Response[bytes]:
    """The page as HTML in the reader's language, never cached."""
    lang = reader_of(request).lang
    i18n.use(lang)
    body = environment().get_template(page.template).render(
        **_context(request, lang), **page.context).encode()
    settings = gateway_of(request.app).settings
    headers = {**security_headers(settings.public_base_url, carries_token=page.carries_token),
               "Content-Language": lang, "Cache-Control": "no-store", **page.headers}
    return Response(body, status_code=page.status, media_type="text/html; charset=utf-8",
                    headers=headers, cookies=language_cookie(request, lang))
