"""Attendance certificates: who earns one, the shape of codes, the languages, a corrected
name, and the PDF (names in any script come out of a strict text extraction)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from services.registration.certificates import pdf, texts
from services.registration.domain.certificates import (
    CODE,
    attendance_reaches_threshold,
    certificate_code,
    certificate_languages,
    earns_a_certificate,
    normalized_code,
    renamed,
)
from services.registration.wording import LOCALE

pytestmark = pytest.mark.unit
START = datetime(2030, 7, 1, 14, tzinfo=UTC)
SESSION = {"starts_at": START, "ends_at": START + timedelta(hours=2), "timezone": "America/Bogota",
           "certificate_threshold": 75, "title": {"es": "Compras públicas sostenibles",
                                                  "en": "Sustainable public procurement"},
           "organisers": [{"name": "Sistema Económico Latinoamericano y del Caribe",
                           "acronym": "SELA"}, {"agency": "CL"}]}
NAMES = ["José María Ñúñez Gonçalves", "Zoë Ødegård", "Nguyễn Thị Hương", "Ольга Ковальчук"]


def attended(minutes: int, **changes: object) -> dict[str, object]:
    return {"status": "confirmed", "attendance": "attended", "attendance_minutes": minutes,
            **changes}


def test_attendance_reaches_the_threshold_at_its_share_of_the_length() -> None:
    assert attendance_reaches_threshold(90, SESSION)  # 75 % of 120 minutes
    assert not attendance_reaches_threshold(89, SESSION)
    assert attendance_reaches_threshold(0, {**SESSION, "certificate_threshold": 0})


def test_no_threshold_no_certificate() -> None:
    assert not attendance_reaches_threshold(120, {**SESSION, "certificate_threshold": None})
    assert not attendance_reaches_threshold(None, SESSION)


def test_only_a_confirmed_attendee_without_a_certificate_earns_one() -> None:
    assert earns_a_certificate(attended(120), SESSION)
    assert not earns_a_certificate(attended(60), SESSION)
    assert not earns_a_certificate(attended(120, certificate={"code": "X"}), SESSION)
    assert not earns_a_certificate(attended(120, status="cancelled"), SESSION)
    assert not earns_a_certificate(attended(120, attendance="no_show"), SESSION)


def test_codes_are_ten_unambiguous_characters_in_two_groups() -> None:
    codes = {certificate_code(bytes([n] * 7)) for n in range(256)}
    assert len(codes) == 256
    assert all(CODE.fullmatch(code) for code in codes)
    assert not any(set(code) & set("ILOU") for code in codes)
    assert certificate_code(bytes(7)) == "00000-00000"


def test_a_typed_code_is_forgiven_its_case_spaces_and_look_alike_letters() -> None:
    assert normalized_code(" 7kq2m xh4td ") == "7KQ2M-XH4TD"
    assert normalized_code("O1L2M-XH4TD") == "0112M-XH4TD"
    assert normalized_code("7KQ2M-XH4T") is None
    assert normalized_code("7KQ2M-XH4TU") is None  # U is not in the alphabet


def test_the_certificate_speaks_the_participants_language_and_spanish_or_english() -> None:
    assert certificate_languages("pt") == ["pt", "es"]
    assert certificate_languages("es") == ["es", "en"]


def test_a_corrected_name_supersedes_the_certificate_and_keeps_nothing_personal() -> None:
    now = START + timedelta(days=1)
    registration = {"name": "Jose", "preferred_language": "fr",
                    "certificate": {"code": "AAAAA-AAAAA", "name": "Jose"},
                    "superseded_codes": ["BBBBB-BBBBB"]}
    changes = renamed(registration, "José", "CCCCC-CCCCC", now)
    assert changes["certificate"] == {"code": "CCCCC-CCCCC", "name": "José",
                                      "languages": ["fr", "es"], "issued_at": now}
    assert changes["superseded_codes"] == ["BBBBB-BBBBB", "AAAAA-AAAAA"]
    assert renamed({"name": "Jose"}, "José", None, now) == {"name": "José"}


@pytest.mark.parametrize("name", NAMES)
def test_the_pdf_prints_the_name_in_any_script_and_the_code(name: str) -> None:
    certificate = {"code": "7KQ2M-XH4TD", "name": name, "languages": ["fr", "es"],
                   "issued_at": START + timedelta(days=1)}
    rendered = pdf.render(certificate, SESSION, "https://x.example/certificates/7KQ2M-XH4TD")
    text = " ".join(pypdf.PdfReader(io.BytesIO(rendered)).pages[0].extract_text().split())
    assert name in text and "7KQ2M-XH4TD" in text
    assert "Attestation de participation" in text and "Certificado de asistencia" in text
    assert "1 juillet 2030" in text and "120 minutes" in text and "120 minutos" in text
    assert "(SELA)" in text
    assert "Directorate of ChileCompra" in text  # an agency named from the reference data


def test_the_same_certificate_renders_the_same_pdf() -> None:
    certificate = {"code": "7KQ2M-XH4TD", "name": NAMES[0], "languages": ["es", "en"],
                   "issued_at": "2030-07-02T10:00:00+00:00"}
    first = pdf.render(certificate, SESSION, "https://x.example/certificates/7KQ2M-XH4TD")
    assert first == pdf.render(certificate, SESSION,
                               "https://x.example/certificates/7KQ2M-XH4TD")


def _used_messages() -> set[str]:
    folder = Path(pdf.__file__).parent
    return {m[2] for m in extract_from_dir(folder, [("**.py", "python")],
                                           keywords={"N_": None})}


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_every_certificate_text_is_translated_with_its_placeholders(lang: str) -> None:
    path = LOCALE / lang / "LC_MESSAGES" / f"{texts.DOMAIN}.po"
    with path.open("rb") as source:
        entries = {m.id: m for m in read_po(source, locale=lang) if m.id}
    used = _used_messages()
    assert len(used) >= 9
    for message in used:
        entry = entries.get(message)
        assert entry is not None and entry.string and not entry.fuzzy, (lang, message)
        assert set(re.findall(r"%\((\w+)\)s", message)) == set(
            re.findall(r"%\((\w+)\)s", str(entry.string))), (lang, message)
