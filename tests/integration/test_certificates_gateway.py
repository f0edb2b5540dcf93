"""Attendance certificates through the gateway: issued at the session's threshold, read from
the PDF, verified by code, superseded by a corrected name, and shown on the site."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pypdf
import pytest

from services.gateway.keys import Role
from services.registration.events import CANCEL_ACTION
from shared.settings import Settings
from shared.tokens import Signer
from tests.support import assert_problem
from tests.support.sessions import new_session, person, session_body

pytestmark = pytest.mark.integration
MakeKey = Callable[[Role], Awaitable[str]]
PEOPLE = [("José María Ñúñez Gonçalves", "pt", 120), ("Nguyễn Thị Hương", "fr", 96),
          ("Ольга Ковальчук", "en", 60)]  # 100 %, 80 %, 50 % of two hours
CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


async def test_certificates_from_attendance_to_verification(
        gateway_http: httpx.AsyncClient, make_key: MakeKey, settings: Settings) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    session_id = await new_session(gateway_http, auth["Authorization"][7:], capacity=5,
                                   certificate_threshold=75)
    signer = Signer(settings.token_secret)
    tokens, ids = [], []
    for n, (name, lang, _) in enumerate(PEOPLE):
        made = await gateway_http.post(f"/v1/sessions/{session_id}/registrations", json=person(
            f"p{n}@example.org", name=name, preferred_language=lang))
        ids.append(made.json()["registration_id"])
        tokens.append(signer.issue(ids[-1], CANCEL_ACTION, now=datetime.now(UTC),
                                   ttl=timedelta(days=30)))
    past = datetime.now(UTC) - timedelta(hours=3)  # the session takes place: two hours
    moved = await gateway_http.patch(f"/v1/sessions/{session_id}", headers=auth, json={
        "starts_at": past.isoformat(), "ends_at": (past + timedelta(hours=2)).isoformat()})
    assert moved.status_code == 200, moved.text
    attendance = {"attendees": [{"registration_id": i, "minutes": minutes}
                                for i, (_, _, minutes) in zip(ids, PEOPLE, strict=True)]}
    for _ in range(2):  # recording again issues nothing more
        recorded = await gateway_http.post(f"/v1/sessions/{session_id}/attendance",
                                           json=attendance, headers=auth)
        assert recorded.status_code == 200, recorded.text

    codes = []
    for (name, _, _), token in zip(PEOPLE[:2], tokens, strict=False):
        text = pdf_text(await gateway_http.get("/v1/registrations/certificate.pdf",
                                               params={"token": token}))
        assert name in text and "Contratación abierta" in text
        [code] = set(CODE.findall(text))
        check = (await gateway_http.get(f"/v1/certificates/{code}")).json()
        assert check == {"code": code, "status": "valid", "session_id": session_id,
                         "title": {"es": "Contratación abierta", "en": "Open contracting"},
                         "date": check["date"], "name": name}
        codes.append(code)
    assert_problem(await gateway_http.get("/v1/registrations/certificate.pdf",
                                          params={"token": tokens[2]}), 404)
    assert (await gateway_http.get(f"/v1/certificates/{codes[0].lower()}")).json()[
        "status"] == "valid"  # typed in lower case

    corrected = await gateway_http.post(f"/v1/registrations/{ids[0]}/name",
                                        json={"name": "José María Núñez Gonçalves"},
                                        headers=auth)
    assert corrected.status_code == 200, corrected.text
    new_code = corrected.json()["certificate"]
    assert corrected.json()["supersedes"] == codes[0] and new_code != codes[0]
    old = (await gateway_http.get(f"/v1/certificates/{codes[0]}")).json()
    assert old["status"] == "superseded" and old["name"] is None
    new = (await gateway_http.get(f"/v1/certificates/{new_code}")).json()
    assert new["status"] == "valid" and new["name"] == "José María Núñez Gonçalves"
    text = pdf_text(await gateway_http.get("/v1/registrations/certificate.pdf",
                                           params={"token": tokens[0]}))
    assert "José María Núñez Gonçalves" in text and new_code in text
    assert_problem(await gateway_http.post(f"/v1/registrations/{ids[0]}/name",
                                           json={"name": "x"}), 401)

    for unknown in ("00000-00000", "nope", "X" * 100):
        assert_problem(await gateway_http.get(f"/v1/certificates/{unknown}"), 404)

    # The site: the check page in four languages, the download from the participant's page.
    for lang, words in (("es", "Certificado válido"), ("en", "Valid certificate"),
                        ("pt", "Certificado válido"), ("fr", "Attestation valide")):
        page = await gateway_http.get(f"/certificates/{new_code}", params={"lang": lang})
        assert page.status_code == 200 and words in page.text
        assert "José María Núñez Gonçalves" in page.text
    superseded = await gateway_http.get(f"/certificates/{codes[0]}", params={"lang": "en"})
    assert "Superseded certificate" in superseded.text and "Núñez" not in superseded.text
    assert (await gateway_http.get("/certificates/00000-00000")).status_code == 404
    mine = await gateway_http.get("/registrations/cancel", params={"token": tokens[1]})
    assert "/registrations/certificate.pdf?token=" in mine.text and codes[1] in mine.text
    assert "certificate.pdf" not in (await gateway_http.get(
        "/registrations/cancel", params={"token": tokens[2]})).text
    site_pdf = await gateway_http.get("/registrations/certificate.pdf",
                                      params={"token": tokens[1]})
    assert PEOPLE[1][0] in pdf_text(site_pdf)
    # The link outlives the session for the certificate, not to cancel an attendance after it.
    late = await gateway_http.post("/v1/registrations/cancel", json={"token": tokens[1]})
    assert late.status_code == 409, late.text
    assert (await gateway_http.get(f"/v1/certificates/{codes[1]}")).json()["status"] == "valid"


async def test_a_threshold_outside_0_to_100_is_refused_naming_the_field(
        gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    auth = {"Authorization": f"Bearer {await make_key('secretariat')}"}
    refused = await gateway_http.post("/v1/sessions", headers=auth,
                                      json=session_body(certificate_threshold=150))
    assert_problem(refused, 422)
    assert any("certificate_threshold" in e["field"] for e in refused.json()["errors"])
