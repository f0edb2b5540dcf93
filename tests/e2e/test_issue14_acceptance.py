"""Issue 14's acceptance, on the seeds themselves, as people would walk it on one running system
(`dialogues up`), through the gateway's HTTP API and the local mail sink only.

The SELA special panel of the agenda seed is entered with its English texts only; a translator
puts it into Spanish through the translation jobs. The seed's panel was held in November 2022
and a session that has started takes no registrations: it is entered on a day ahead, at the
seed's own times in La Paz, people register, and the secretariat then moves it (agenda and all)
to yesterday, at the same La Paz times, so that it has been held. Yesterday, not 2022: notify
forgets a session's audience a year after it ended (NOTIFY_RETENTION_DAYS), and the materials
mail goes to that audience. After the session, attendance is recorded, a recording and two
presentations are attached, and each person gets one materials mail and (at the threshold)
one certificate in their language. The four-day seminar of seed 003 is entered as an event.
"""

from __future__ import annotations

import email
import email.policy
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pypdf
import pytest
from fpdf import FPDF
from ical.calendar_stream import IcsCalendarStream

from services.registration.domain.translations import texts_of
from services.translate.domain.segments import split_sentences
from tests.support import eventually
from tests.support import sela_panel as seed
from tests.support import seminar_2005 as seminar
from tests.support.quiet import Servers, quiet
from tests.support.sessions import person
from tests.support.up import Up, dialogues, gateway_url

pytestmark = pytest.mark.e2e
LA_PAZ = ZoneInfo("America/La_Paz")
GATHER_SECONDS = 5  # long enough for three materials published together to make one mail
VIDEO = "https://video.example.org/watch/sela-panel"
CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
PEOPLE = [  # name, language, minutes attended of 90 (threshold 75 %: 67.5); None: absent
    ("María José Ñúñez Quiñónez", "es", 90), ("Siobhán O'Connor-Brontë", "en", 80),
    ("João Gonçalves Conceição", "pt", 70), ("Hélène Lefèvre", "fr", None)]
SUBJECTS = {"es": ("Materiales de", "Su certificado de asistencia"),
            "en": ("Materials of", "Your certificate of attendance"),
            "pt": ("Materiais de", "Seu certificado de participação"),
            "fr": ("Les documents de", "Votre attestation de participation")}
TITLED_SUBJECTS = {"es": "Materiales de «{}» disponibles", "en": "Materials of {} are available"}


def english_only(value: Any) -> Any:
    """The panel with every language map cut down to its English text."""
    if isinstance(value, dict):
        if value and set(value) <= {"es", "en", "pt", "fr"}:
            return {"en": value["en"]}
        return {key: english_only(item) for key, item in value.items()}
    if isinstance(value, list):
        return [english_only(item) for item in value]
    return value


def panel_on(day: date) -> dict[str, Any]:
    """The seed's panel, English only, with a certificate threshold, held on `day`."""
    text = json.dumps(english_only(seed.panel())).replace(seed.DAY, day.isoformat())
    return {**json.loads(text), "certificate_threshold": 75}


def spanish_draft(job: dict[str, Any]) -> dict[str, Any]:
    """The translator's draft: each English sentence of the seed by the seed's Spanish one."""
    written = texts_of(seed.panel())  # the seed's texts by the paths the jobs name
    segments = []
    for segment in job["segments"]:
        number = int(segment["id"].rsplit("-", 1)[1]) - 1
        texts = written[segment["field"]]
        assert split_sentences(texts["en"])[number][0] == segment["source"], segment
        segments.append({"id": segment["id"],
                         "target": split_sentences(texts["es"])[number][0]})
    return {"segments": segments}


def a_pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


def mails(up: Up) -> list[tuple[str, str, str]]:
    """(to, subject, plain text) of every mail the sink kept."""
    kept = []
    for path in sorted((up.data_dir / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
        kept.append((str(message["To"]), str(message["Subject"]), text))
    return kept


class Walk:
    """The people of the walk: the secretariat, a translator and the public, on one gateway."""

    def __init__(self, up: Up, http: httpx.AsyncClient) -> None:
        self.up, self.http = up, http
        self.boss = self.key("secretariat")
        self.translator = self.key("translator")

    def key(self, role: str) -> dict[str, str]:
        made = dialogues(self.up, "keys", "create", "--role", role, "--name", f"e2e {role}")
        return {"Authorization": f"Bearer {made.stdout.strip()}"}

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        answer = await self.http.request(method, path, **kwargs)
        assert answer.status_code == status, (method, path, answer.text)
        return answer.json() if "json" in answer.headers.get("content-type", "") else answer

    async def settled(self) -> None:
        await quiet(Servers.of_up(self.up.data_dir), timeout=30)


async def enter_and_translate_the_panel(walk: Walk, day: date) -> str:
    session_id: str = (await walk.ok("POST", "/v1/sessions", 201, json=panel_on(day),
                                     headers=walk.boss))["id"]
    await walk.ok("POST", f"/v1/sessions/{session_id}/publish", headers=walk.boss)

    async def waiting_job() -> list[dict[str, Any]]:
        page = await walk.ok("GET", "/v1/translations", headers=walk.translator,
                             params={"document": session_id, "target": "es"})
        return [item for item in page["items"] if item["status"] == "draft_ready"]
    [summary] = await eventually(waiting_job, timeout=30, what="the Spanish job", interval=0.2)
    url = f"/v1/translations/{summary['id']}"
    job = await walk.ok("GET", url, headers=walk.translator)
    assert (job["subject"], job["source_language"]) == ("session", "en")
    await walk.ok("POST", f"{url}/claim", headers=walk.translator)
    await walk.ok("PUT", f"{url}/draft", json=spanish_draft(job), headers=walk.translator)
    await walk.ok("POST", f"{url}/submit", headers=walk.translator)
    await walk.ok("POST", f"{url}/approve", headers=walk.boss)

    async def in_spanish() -> bool:
        answer = await walk.ok("GET", f"/v1/sessions/{session_id}", params={"lang": "es"})
        return "es" in answer["title"]
    await eventually(in_spanish, timeout=30, what="the panel in Spanish", interval=0.2)
    for lang in ("es", "en"):
        answer = await walk.ok("GET", f"/v1/sessions/{session_id}", params={"lang": lang})
        expected = seed.panel()
        assert answer["title"] == expected["title"]
        assert answer["rationale"] == {"en": seed.RATIONALE_EN, "es": seed.RATIONALE_ES}
        assert answer["objectives"] == seed.OBJECTIVES
        assert answer["parent_event"]["name"] == expected["parent_event"]["name"]
        assert [(b.get("title"), [s["title"] for s in b["slots"]]) for b in answer["agenda"]] == [
            (b.get("title") or {}, [s["title"] for s in b["slots"]]) for b in seed.AGENDA]
        assert {p["key"]: p.get("bio") for p in answer["people"]}["natalia-tanno"] == (
            seed.PEOPLE[1]["bio"])
    return session_id


async def register_and_hold(walk: Walk, session_id: str, held: date) -> list[str]:
    """Everyone registers; the session is moved to `held` and attended; registration ids."""
    ids = []
    for number, (name, lang, _) in enumerate(PEOPLE):
        made = await walk.ok("POST", f"/v1/sessions/{session_id}/registrations", 201,
                             json=person(f"p{number}@example.org", name=name,
                                         preferred_language=lang))
        ids.append(made["registration_id"])
    day = held.isoformat()
    await walk.ok("PATCH", f"/v1/sessions/{session_id}", headers=walk.boss, json={
        "starts_at": f"{day}T12:30:00-04:00", "ends_at": f"{day}T14:00:00-04:00"})
    attendees = [{"registration_id": registration, "minutes": minutes}
                 for registration, (_, _, minutes) in zip(ids, PEOPLE, strict=True) if minutes]
    await walk.ok("POST", f"/v1/sessions/{session_id}/attendance", headers=walk.boss,
                  json={"attendees": attendees})
    return ids


def check_calendar(ics: str, held: date, lang: str) -> None:
    IcsCalendarStream.calendar_from_ics(ics)  # strict: raises on anything invalid
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert event["DTSTART"].dt == datetime.combine(held, time(12, 30), LA_PAZ)
    assert str(event["SUMMARY"]) == seed.panel()["title"][lang]
    assert str(event["LOCATION"]) == (
        "International Convention and Cultural Centre (CICC), Room 3, Sucre, Bolivia")
    text = str(event["DESCRIPTION"])
    for block in seed.AGENDA:
        for slot in block["slots"]:
            starts, ends = slot["starts_at"][-5:], slot["ends_at"][-5:]  # La Paz, as the seed
            title = re.escape(slot["title"].get(lang, ""))
            assert re.search(rf"{starts}\s*–\s*{ends}\s+{title}", text), (lang, starts, text)
    for someone in seed.PEOPLE:
        assert someone["name"] in text, (lang, someone["name"])
    assert seed.panel()["agenda"][2]["title"][lang].upper() in text.upper()


async def attach_materials(walk: Walk, session_id: str) -> set[str]:
    """Two presentations drafted with their PDFs, then the recording and both published
    together (one gathering window); the three documents' ids."""
    drafts = []
    for slot, name in (("scope-2", "Natalia Tanno"), ("regional-1", "Ana Pérez")):
        made = await walk.ok("POST", f"/v1/sessions/{session_id}/materials", 201,
                             headers=walk.boss, json={
                                 "kind": "presentation", "slot": slot, "source_language": "en",
                                 "title": {"en": f"Presentation by {name}"}})
        await walk.ok("POST", f"/v1/documents/{made['id']}/files", 201, headers=walk.boss,
                      files={"file": (f"{slot}.pdf", a_pdf(f"{name}: e-procurement"),
                                      "application/octet-stream")})
        drafts.append(made["id"])
    recording = await walk.ok("POST", f"/v1/sessions/{session_id}/materials", 201,
                              headers=walk.boss, json={
                                  "kind": "recording", "source_language": "en", "url": VIDEO,
                                  "title": {"en": "Recording of the panel"}, "publish": True})
    for document_id in drafts:
        await walk.ok("POST", f"/v1/documents/{document_id}/publish", headers=walk.boss)
    return {recording["id"], *drafts}


async def check_materials_found(walk: Walk, session_id: str, materials: set[str]) -> None:
    async def found() -> dict[str, Any] | None:
        page = await walk.ok("GET", "/v1/search", params={"session": session_id})
        return page if page["total"] == len(materials) else None
    page = await eventually(found, timeout=30, what="the three materials in search",
                              interval=0.2)
    assert {hit["id"] for hit in page["items"]} == materials
    assert {hit["session_id"] for hit in page["items"]} == {session_id}
    for lang in ("es", "en"):
        answer = await walk.ok("GET", f"/v1/sessions/{session_id}", params={"lang": lang})
        assert {m["document_id"] for m in answer["materials"]} == materials


async def check_mail_and_certificates(walk: Walk, session_id: str,
                                      materials: set[str]) -> None:
    """One materials mail to each person and one certificate to each attendee at the
    threshold, in their language; each certificate's PDF names them and its code verifies."""
    def of_kind(to: str, subject: str) -> list[tuple[str, str, str]]:
        return [m for m in mails(walk.up) if to in m[0] and m[1].startswith(subject)]

    def lists_all(mail: tuple[str, str, str]) -> bool:
        return all(f"/documents/{document_id}?" in mail[2] for document_id in materials)

    def all_arrived() -> bool:  # a materials mail that lists all three: one gathering
        return all(any(lists_all(m) for m in of_kind(f"p{n}@example.org", SUBJECTS[lang][0]))
                   and (minutes is None or of_kind(f"p{n}@example.org", SUBJECTS[lang][1]))
                   for n, (_, lang, minutes) in enumerate(PEOPLE))
    await eventually(all_arrived, timeout=GATHER_SECONDS + 30, what="every mail",
                     interval=0.2)
    await walk.settled()
    for number, (name, lang, minutes) in enumerate(PEOPLE):
        to = f"p{number}@example.org"
        [(_, subject, about_materials)] = of_kind(to, SUBJECTS[lang][0])
        if lang in TITLED_SUBJECTS:  # the title as translated reached notify's copy
            assert subject == TITLED_SUBJECTS[lang].format(seed.panel()["title"][lang])
        for document_id in materials:
            assert f"/documents/{document_id}?lang={lang}" in about_materials, (lang, document_id)
        certificates = of_kind(to, SUBJECTS[lang][1])
        if minutes is None:
            assert certificates == []
            continue
        [(_, _, text)] = certificates
        [token] = set(re.findall(r"/registrations/certificate\.pdf\?token=([^\s\"<>&]+)", text))
        pdf = await walk.ok("GET", "/v1/registrations/certificate.pdf", params={"token": token})
        assert pdf.headers["content-type"] == "application/pdf"
        pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
        printed = " ".join(" ".join(page.extract_text() for page in pages).split())
        assert name in printed, (name, printed)
        titles = seed.panel()["title"]  # in their language, and in Spanish or English
        assert titles["es"] in printed and (lang != "en" or titles["en"] in printed), printed
        [code] = set(CODE.findall(printed))
        assert code in text
        verified = await walk.ok("GET", f"/v1/certificates/{code}")
        assert (verified["status"], verified["session_id"], verified["name"]) == (
            "valid", session_id, name)


async def enter_the_seminar(walk: Walk) -> None:
    """Seed 003: the series, its second and third editions, and the third's four days."""
    async def created(path: str, body: dict[str, Any]) -> str:
        made: str = (await walk.ok("POST", path, 201, json=body, headers=walk.boss))["id"]
        await walk.ok("POST", f"{path}/{made}/publish", headers=walk.boss)
        return made
    series = await created("/v1/events", seminar.SERIES)
    await created("/v1/events", {**seminar.EDITION_II, "series_id": series})
    third = await created("/v1/events", {**seminar.EDITION_III, "series_id": series})
    days = [await created("/v1/sessions", seminar.day_session(third, n)) for n in (3, 1, 0, 2)]

    answer = await walk.ok("GET", f"/v1/events/{third}", params={"lang": "es"})
    assert [part["id"] for part in answer["parts"]] == [days[2], days[1], days[3], days[0]]
    assert [agenda_of(part["agenda"], datetime.fromisoformat) for part in answer["parts"]] == [
        agenda_of(agenda, in_santiago) for agenda in seminar.agendas()]
    assert [(o["name"], o.get("acronym"), o.get("country")) for o in answer["event"][
        "organisers"]] == [("Organización de los Estados Americanos", "OEA", None),
                           ("Gobierno de Chile", None, "CL")]
    assert answer["event"]["partners"][0]["acronym"] == "ChileCompra"


def in_santiago(wall_clock: str) -> datetime:
    """A slot time of the seminar seed: a wall-clock time in Santiago (UTC-4 in June 2005)."""
    return datetime.fromisoformat(wall_clock).replace(tzinfo=ZoneInfo(seminar.TIMEZONE))


def agenda_of(agenda: list[dict[str, Any]], moment: Callable[[str], datetime]) -> list[Any]:
    """Blocks by key, with each slot's key, title and times as instants."""
    return [(block["key"], block["title"], [
        (slot["key"], slot["title"], slot["kind"], moment(slot["starts_at"]).astimezone(UTC),
         moment(slot["ends_at"]).astimezone(UTC)) for slot in block["slots"]])
        for block in agenda]


async def test_issue_14_on_the_seeds(start_up: Callable[..., Up]) -> None:
    up = start_up(NOTIFY_MATERIALS_GATHER_SECONDS=str(GATHER_SECONDS), PUBLIC_RATE_LIMIT="10000")
    today = datetime.now(LA_PAZ).date()
    ahead, held = today + timedelta(days=3), today - timedelta(days=1)
    async with httpx.AsyncClient(base_url=gateway_url(up), timeout=15, trust_env=False) as http:
        walk = Walk(up, http)
        session_id = await enter_and_translate_the_panel(walk, ahead)
        await register_and_hold(walk, session_id, held)
        for lang in ("es", "en"):
            ics = await walk.ok("GET", f"/v1/sessions/{session_id}/calendar.ics",
                                params={"lang": lang})
            check_calendar(ics.text, held, lang)
        materials = await attach_materials(walk, session_id)
        await check_materials_found(walk, session_id, materials)
        await check_mail_and_certificates(walk, session_id, materials)
        await enter_the_seminar(walk)
