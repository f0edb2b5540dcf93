"""The certificate page: A4 landscape, the name once and large, the text in the certificate's
two languages side by side, and the code, the verification URL and its QR code at the foot.

Fonts: Noto Sans (SIL OFL 1.1) from the `fontpkg-noto-sans` package, embedded and subset;
it covers Latin with every accent (Vietnamese included), Greek and Cyrillic. Fonts named in
`FALLBACKS` are tried for characters it lacks. Only its default weight is used: instancing a
bold from the variable font costs seconds per page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import segno
from babel.dates import format_date
from babel.lists import format_list
from babel.units import format_unit
from fpdf import FPDF

from services.registration.certificates import texts
from services.registration.domain.certificates import session_minutes
from shared.reference import member_state

FONT = Path(str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))
FALLBACKS: tuple[Path, ...] = ()
INK, MUTED, ACCENT = (20, 33, 61), (90, 98, 112), (0, 84, 147)
WIDTH, HEIGHT, MARGIN = 297.0, 210.0, 18.0


def render(certificate: Mapping[str, Any], session: Mapping[str, Any], verify_url: str) -> bytes:
    """The PDF of a stored certificate of `session`, pointing at `verify_url`."""
    pdf = _document(_moment(certificate["issued_at"]))
    first, second = certificate["languages"][:2]
    _centered(pdf, 22, 11, MUTED, f"{texts.say(first, texts.BRAND)} · "
              f"{texts.say(second, texts.BRAND)}")
    _centered(pdf, 34, 24, ACCENT, texts.say(first, texts.HEADING))
    _centered(pdf, 46, 16, ACCENT, texts.say(second, texts.HEADING))
    _centered(pdf, 62, 12, MUTED, f"{texts.say(first, texts.CERTIFIES)} / "
              f"{texts.say(second, texts.CERTIFIES)}")
    _centered(pdf, 72, 28, INK, certificate["name"])
    column = (WIDTH - 2 * MARGIN - 10) / 2
    for index, language in enumerate((first, second)):
        pdf.set_xy(MARGIN + index * (column + 10), 96)
        pdf.set_text_color(*INK)
        pdf.set_font("Noto", size=12)
        pdf.multi_cell(column, 6.5, _body(language, session), align="C")
    _foot(pdf, certificate, verify_url, first)
    return bytes(pdf.output())


def _document(issued_at: datetime) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(issued_at)  # the same bytes for the same certificate
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.add_font("Noto", "", str(FONT))
    for index, path in enumerate(FALLBACKS):
        pdf.add_font(f"Fallback{index}", "", str(path))
    pdf.set_fallback_fonts([f"Fallback{i}" for i in range(len(FALLBACKS))])
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
    return pdf


def _centered(pdf: FPDF, y: float, size: float, color: tuple[int, int, int], text: str) -> None:
    pdf.set_xy(MARGIN, y)
    pdf.set_font("Noto", size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(WIDTH - 2 * MARGIN, size * 0.5, text, align="C")


def _body(language: str, session: Mapping[str, Any]) -> str:
    """What the participant attended, in one language: the session, when, how long, by whom."""
    local = _moment(session["starts_at"]).astimezone(_zone(session.get("timezone", "UTC")))
    lines = [texts.say(language, texts.ATTENDED), f"«{_title(session['title'], language)}»",
             texts.say(language, texts.HELD, date=format_date(local, "long", locale=language),
                       length=format_unit(round(session_minutes(session)), "duration-minute",
                                          length="long", locale=language))]
    organisers = [_organiser(item) for item in session.get("organisers") or []]
    if organisers:
        lines.append(texts.say(language, texts.ORGANISED_BY,
                               organisers=format_list(organisers, locale=language)))
    return "\n".join(lines)


def _foot(pdf: FPDF, certificate: Mapping[str, Any], verify_url: str, language: str) -> None:
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    pdf.image(qr, x=WIDTH - MARGIN - 34, y=HEIGHT - MARGIN - 40, w=34, h=34)
    pdf.set_xy(MARGIN, HEIGHT - MARGIN - 30)
    pdf.set_font("Noto", size=13)
    pdf.set_text_color(*INK)
    languages = certificate["languages"][:2]
    pdf.cell(0, 7, " / ".join(
        texts.say(lang, texts.CODE, code=certificate["code"]) for lang in languages))
    pdf.set_xy(MARGIN, HEIGHT - MARGIN - 21)
    pdf.set_font("Noto", size=9)
    pdf.set_text_color(*MUTED)
    issued = _moment(certificate["issued_at"])
    pdf.multi_cell(WIDTH - 2 * MARGIN - 45, 4.6, "\n".join(
        [texts.say(lang, texts.VERIFY_AT, url=verify_url) for lang in languages]
        + [texts.say(language, texts.ISSUED,
                     date=format_date(issued, "long", locale=language))]))


def _title(title: Mapping[str, str], language: str) -> str:
    """The session's title in `language`, else in Spanish, English or whatever it has."""
    for candidate in (language, "es", "en", *title):
        if title.get(candidate):
            return title[candidate]
    return ""


def _organiser(item: Mapping[str, Any]) -> str:
    """An organiser as printed: its name (a member state's agency from the reference data)
    and acronym."""
    state = member_state(item["agency"]) if item.get("agency") else None
    name = item.get("name") or (state.agency if state is not None else "")
    acronym = item.get("acronym")
    if name and acronym:
        return f"{name} ({acronym})"
    return str(name or acronym or "")


def _moment(value: datetime | str) -> datetime:
    """A stored moment (a datetime, or the ISO string `$set` stored), aware in UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def filename(certificate: Mapping[str, Any]) -> str:
    """The download's file name: the code only, nothing personal."""
    return f"certificate-{certificate['code']}.pdf"
