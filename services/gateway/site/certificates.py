"""Certificate pages: anyone checks a code at `/certificates/{code}` (the URL printed on the
certificate and in its QR code), and the participant downloads theirs from the link of their
mails (`/registrations/certificate.pdf?token=...`, linked from their page).

The check says what the API's check says and nothing more; an unknown code gets a page that
says so plainly, with status 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from services.gateway.context import Gateway
from services.gateway.routes.certificates import certificate_pdf, check_code
from services.gateway.site.participant import _expired
from services.gateway.site.render import Page, render
from shared.contracts.rpc import RpcFailure


@get("/certificates/{code:str}", include_in_schema=False, opt={"no_csrf": True})
async def certificate_page(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                           code: FromPath[str]) -> Response[bytes]:
    """Whether the code is a valid certificate: its session, date and name; or superseded."""
    try:
        check = await check_code(gateway, code)
    except RpcFailure as failure:
        if failure.code != "not_found":
            raise
        return render(request, Page("certificate.html", {"check": None, "code": code[:40]},
                                    status=404))
    # A name may be corrected at any time: a shared cache must ask again each time.
    return render(request, Page("certificate.html", {"check": check}, caching="private"))


@get("/registrations/certificate.pdf", include_in_schema=False, opt={"no_csrf": True})
async def certificate_download(
    request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
    token: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """The participant's certificate; the pages of expired or bad links otherwise."""
    try:
        return await certificate_pdf(gateway, token)
    except RpcFailure as failure:
        if failure.code == "not_found":  # no certificate: the site's 404 page
            raise
        return _expired(request, failure)


HANDLERS = [certificate_page, certificate_download]
