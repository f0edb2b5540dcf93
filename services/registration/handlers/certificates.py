"""Attendance certificates: issued when attendance reaches the session's threshold, issued
anew when the secretariat corrects a name, verified by anyone, downloaded by their holder.

Codes are drawn here (`secrets`), so the domain stays free of randomness; everything else is
decided in `domain.certificates`. The PDF is rendered on each download from the stored
certificate, in a worker thread so the responders keep answering meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from datetime import datetime

from services.registration.certificates import pdf
from services.registration.domain.certificates import (
    RANDOM_BYTES,
    certificate_code,
    earns_a_certificate,
    new_certificate,
    normalized_code,
    renamed,
)
from services.registration.domain.errors import Refusal
from services.registration.events import certificate_issued
from services.registration.handlers import Deps, registration_of, session_of
from shared.contracts.registration.certificates import (
    CertificateCheck,
    CertificatePdf,
    NameCorrected,
)
from shared.db import Document


def _new_code() -> str:
    return certificate_code(secrets.token_bytes(RANDOM_BYTES))


def _no_certificate() -> Refusal:
    return Refusal("not_found", "There is no certificate with this code.")


async def issue_if_earned(deps: Deps, registration: Document, session: Document,
                          now: datetime) -> bool:
    """Issue the participant's certificate if their recorded attendance earns one and they
    have none yet (recording attendance again issues nothing more). The caller kicks."""
    if not earns_a_certificate(registration, session):
        return False
    certificate = new_certificate(_new_code(), registration, now)
    event = certificate_issued(registration, session, deps.signer, certificate, now)
    return await deps.store.issue_certificate(registration["_id"], certificate, event)


async def correct_name(deps: Deps, registration_id: str, name: str,
                       now: datetime) -> NameCorrected:
    """Write the name as it should be; a certificate already issued is issued again under a
    new code, and the old code becomes superseded."""
    for _ in range(5):
        registration = await registration_of(deps, registration_id)
        if registration.get("anonymized"):
            raise Refusal("conflict", "The registration's personal data was erased.")
        current = (registration.get("certificate") or {}).get("code")
        if registration.get("name") == name:
            return NameCorrected(registration_id=registration_id, name=name,
                                 certificate=current, supersedes=None)
        changes = renamed(registration, name, _new_code() if current else None, now)
        events = []
        if current:
            session = await session_of(deps, registration["session_id"])
            events.append(certificate_issued({**registration, **changes}, session,
                                             deps.signer, changes["certificate"], now,
                                             supersedes=current))
        if await deps.store.correct_name(registration_id, current, changes, events):
            if events:
                deps.kick_registration(registration_id)
            new = changes.get("certificate", {}).get("code", current)
            return NameCorrected(registration_id=registration_id, name=name, certificate=new,
                                 supersedes=current if events else None)
    raise Refusal("unavailable", "The registration is changing; try again.")


async def verify(deps: Deps, typed_code: str) -> CertificateCheck:
    """What a code certifies, or that it was superseded; refused `not_found` otherwise."""
    code = normalized_code(typed_code)
    registration = await deps.store.registration_by_certificate(code) if code else None
    if code is None or registration is None:
        raise _no_certificate()
    session = await session_of(deps, registration["session_id"])
    certificate = registration.get("certificate") or {}
    valid = certificate.get("code") == code
    return CertificateCheck(
        code=code, status="valid" if valid else "superseded", session_id=session["_id"],
        title=session["title"], date=session["starts_at"],
        name=certificate.get("name") if valid else None)


async def download(deps: Deps, registration_id: str, public_base_url: str) -> CertificatePdf:
    """The holder's certificate as a PDF; refused `not_found` when there is none."""
    registration = await registration_of(deps, registration_id)
    certificate = registration.get("certificate")
    if not certificate:
        raise Refusal("not_found", "This registration has no certificate.")
    session = await session_of(deps, registration["session_id"])
    url = f"{public_base_url.rstrip('/')}/certificates/{certificate['code']}"
    rendered = await asyncio.to_thread(pdf.render, certificate, session, url)
    return CertificatePdf(code=certificate["code"], filename=pdf.filename(certificate),
                          pdf=base64.b64encode(rendered).decode("ascii"))
