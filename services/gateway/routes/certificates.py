"""Routes of attendance certificates: anyone verifies a code, the participant downloads
theirs with the token of their mails, the secretariat corrects a name (which issues a new
certificate and supersedes the old code).

A verification answers only what the certificate says; an unknown or malformed code is a
404 problem, the same for both so that nobody learns which codes are near a real one.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.datastructures import CacheControlHeader
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler

from services.gateway.auth import SECURITY, requires_role
from services.gateway.context import Gateway
from services.gateway.problems import parse_body, problem, problem_responses
from services.gateway.routes.openapi_docs import JsonBody, operation
from services.gateway.routes.registration_links import RegistrationId
from shared.contracts.registration.certificates import (
    CertificateCheck,
    CertificatePdf,
    CertificateRef,
    CorrectName,
    NameCorrected,
)
from shared.contracts.registration.rpc import CancelByToken

SVC = "registration"
MAX_CODE, MAX_TOKEN = 40, 1000
NOT_FOUND = "There is no certificate with this code."


async def check_code(gateway: Gateway, code: str) -> CertificateCheck:
    """The verification of `code`; a code too long to be one is unknown without asking."""
    if not 0 < len(code) <= MAX_CODE:
        raise problem(404, NOT_FOUND)
    return await gateway.call(SVC, "verify_certificate", CertificateRef(code=code),
                              CertificateCheck)


async def certificate_pdf(gateway: Gateway, token: str) -> Response[bytes]:
    """The PDF the token's registration holds, never cached nor kept by a proxy."""
    if not 0 < len(token) <= MAX_TOKEN:
        raise problem(403, "The link is incomplete.")
    reply = await gateway.call(SVC, "certificate_pdf", CancelByToken(token=token),
                               CertificatePdf)
    return Response(base64.b64decode(reply.pdf), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{reply.filename}"',
        "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@get("/certificates/{code:str}", summary="Verify a certificate",
     cache_control=CacheControlHeader(no_cache=True),
     responses=problem_responses(404, 429))
async def verify_certificate(gateway: NamedDependency[Gateway],
                             code: FromPath[str]) -> CertificateCheck:
    """`valid` with the session, its date and the name printed, or `superseded` (a name was
    corrected and a new certificate issued: no name is given)."""
    return await check_code(gateway, code)


@get("/registrations/certificate.pdf", summary="Download my certificate",
     media_type="application/pdf", responses=problem_responses(403, 404, 410, 429))
async def download_certificate(
    gateway: NamedDependency[Gateway], token: Annotated[str, QueryParameter()] = "",
) -> Response[bytes]:
    """The attendance certificate of the registration the mailed token names; 404 when it
    has none."""
    return await certificate_pdf(gateway, token)


@post("/registrations/{registration_id:str}/name", summary="Correct a participant's name",
      status_code=200, guards=[requires_role("secretariat")], security=SECURITY,
      responses=problem_responses(401, 403, 404, 409, 422),
      operation_class=operation(JsonBody(CorrectName, {"name": "Ana María Pérez"},
                                         without=("registration_id",))))
async def correct_name(gateway: NamedDependency[Gateway], registration_id: RegistrationId,
                       data: JSONBody[Any]) -> NameCorrected:
    """`{"name": ...}`. If a certificate was issued, a new one is, under a new code; the old
    code then verifies as `superseded`."""
    request = parse_body(CorrectName, data, registration_id=registration_id)
    return await gateway.call(SVC, "correct_name", request, NameCorrected)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = [verify_certificate, download_certificate]
"""Mounted under `/v1` without a key, behind the public rate limit."""

KEYED_HANDLERS: list[ControllerRouterHandler] = [correct_name]
"""Mounted under `/v1`; the secretariat's."""

ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
