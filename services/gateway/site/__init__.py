"""The public site: HTML pages at `PUBLIC_BASE_URL`, beside the JSON API and apart from it.

Pages call the services over the same RPC the API uses and never a database. Every page works
without JavaScript; `static/site.js` only adds comfort. See `render` for what every page
shares (language, headers, caching) and `errors` for error pages.
"""

from __future__ import annotations

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from services.gateway.auth import Guard
from services.gateway.site import (
    certificates,
    home,
    i18n,
    numbers,
    participant,
    registering,
    repository,
    sessions,
    subscriptions,
)
from services.gateway.site.errors import SiteErrorPages
from services.gateway.site.render import speak_the_readers_language
from services.gateway.site.security import API_PREFIXES
from services.gateway.site.static import favicon, static_file
from services.gateway.site.templating import environment
from shared.settings import Settings

PAGE_MODULES = (home, sessions, registering, participant, repository, numbers, subscriptions,
                certificates)

__all__ = ["SiteErrorPages", "csrf_config", "site_routers", "template_config"]


def site_routers(limit: Guard) -> list[Router]:
    """The pages, behind the public rate limit; static files, outside it."""
    pages = Router("/", route_handlers=[h for m in PAGE_MODULES for h in m.HANDLERS],
                   guards=[limit], include_in_schema=False,
                   before_request=speak_the_readers_language)
    static = Router("/", route_handlers=[static_file, favicon], include_in_schema=False)
    return [pages, static]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's Jinja2 engine over the site's environment (autoescape, gettext)."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment()))


def csrf_config(settings: Settings) -> CSRFConfig:
    """Double-submit CSRF tokens on the site's forms; the API (keys, tokens) is left out.

    Pages without a form opt out (`opt={"no_csrf": True}`), so they set no cookie and a
    shared cache may keep them.
    """
    return CSRFConfig(
        secret=settings.token_secret, cookie_name="dlg_csrf", cookie_httponly=True,
        cookie_samesite="lax", cookie_secure=settings.public_base_url.startswith("https://"),
        exclude=[f"^{prefix}(/|$)" for prefix in API_PREFIXES],
        exclude_from_csrf_key="no_csrf")


# Compile every language's catalogs at import, so a broken .po stops the start, not a page.
for _lang in i18n.LANGUAGES:
    i18n.translations(_lang)
