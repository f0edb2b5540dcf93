"""A session's people and agenda on the secretariat's desk: `/staff/sessions/{id}/agenda`.

Two textareas in the line format of `sessions_agenda_text`, pre-filled from the session and
saved through the same RPC as `PATCH /v1/sessions/{id}` (its `people` and `agenda` fields).
What cannot be read, and what the service refuses (`agenda.1.slots.0.starts_at`), is shown
as "Line 4: ..." at its textarea and in the error summary, with what was typed kept.
"""

from __future__ import annotations

from datetime import UTC, date, tzinfo
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from pydantic import ValidationError

from services.gateway.context import gateway_of
from services.gateway.site.formatting import aware, zone
from services.gateway.site.render import reader_of
from services.gateway.staff import i18n
from services.gateway.staff.pages.sessions import SECRETARIAT, SVC, back_to, desk_session
from services.gateway.staff.pages.sessions_agenda_render import (
    KIND_LABELS,
    ROLE_LABELS,
    render_agenda,
    render_people,
)
from services.gateway.staff.pages.sessions_agenda_slots import parse_agenda, problem_at
from services.gateway.staff.pages.sessions_agenda_text import Parsed, Problem, parse_people
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.registration.rpc import PatchSession, SessionFields, SessionView
from shared.contracts.rpc import RpcFailure

MAX_CHARS = 60_000
"""Longer than any agenda the contract takes (30 blocks of 60 slots), short of abuse."""


def _place(session: SessionView) -> tzinfo:
    """The session's zone (the service keeps only valid ones)."""
    return zone(session.timezone) or UTC


def _first_day(session: SessionView) -> date:
    return aware(session.starts_at).astimezone(_place(session)).date()


def _page(request: Request[Any, Any, Any], session: SessionView, typed: dict[str, str],
          problems: list[Problem], status: int = 200) -> Response[bytes]:
    reader = reader_of(request)
    i18n.use(reader.lang)
    shown = [(p.name, i18n.gettext(p.message) % {"line": p.line, **p.params}) for p in problems]
    return render_staff(request, StaffPage("sessions_agenda.html", {
        "session": session, "reader": reader, "typed": typed, "problems": shown,
        "has_errors": bool(problems), "kinds": KIND_LABELS, "roles": ROLE_LABELS,
        "first_day": _first_day(session).isoformat()}, status=status))


@get("/staff/sessions/{session_id:str}/agenda", include_in_schema=False, guards=SECRETARIAT)
async def agenda_form(request: Request[Any, Any, Any],
                      session_id: FromPath[str]) -> Response[bytes]:
    """The people and agenda as they are, in the line format."""
    session = await desk_session(request, session_id)
    typed = {"people": render_people(session.people),
             "agenda": render_agenda(session.agenda, _place(session), _first_day(session))}
    return _page(request, session, typed, [])


def parsed_form(session: SessionView, typed: dict[str, str]) -> tuple[Parsed, Parsed]:
    """The people (bios kept by key) and the agenda, read from what was typed."""
    bios = {person["key"]: person.get("bio") or {} for person in session.people}
    people = parse_people(typed["people"], bios)
    agenda = parse_agenda(typed["agenda"], _first_day(session), session.languages[0],
                          {person["key"] for person in people.people})
    return people, agenda


def _refusals(errors: list[dict[str, Any]], lines: dict[Any, int]) -> list[Problem]:
    found: list[Problem] = []
    for error in errors:
        problem = problem_at(list(error.get("loc") or []), lines)
        if problem not in found:
            found.append(problem)
    return sorted(found, key=lambda p: (p.name != "people", p.line))


@post("/staff/sessions/{session_id:str}/agenda", include_in_schema=False, guards=SECRETARIAT,
      status_code=200)
async def save_agenda(request: Request[Any, Any, Any],
                      session_id: FromPath[str]) -> Response[Any]:
    """Save both; the session's page next, or this page with each line to fix."""
    session = await desk_session(request, session_id)
    posted = await request.form()
    typed = {name: str(posted.get(name, ""))[:MAX_CHARS] for name in ("people", "agenda")}
    people, agenda = parsed_form(session, typed)
    if people.problems or agenda.problems:
        return _page(request, session, typed, [*people.problems, *agenda.problems], 422)
    lines = {**people.lines, **agenda.lines}
    try:
        fields = SessionFields.model_validate({"people": people.people,
                                               "agenda": agenda.agenda})
        await gateway_of(request.app).call(
            SVC, "patch_session", PatchSession(session_id=session.id, fields=fields),
            SessionView)
    except ValidationError as invalid:
        return _page(request, session, typed, _refusals(
            [{"loc": e["loc"]} for e in invalid.errors()], lines), 422)
    except RpcFailure as failure:
        if failure.code != "invalid":
            raise
        return _page(request, session, typed, _refusals(
            (failure.details or {}).get("errors", []), lines), 422)
    return back_to(f"/staff/sessions/{session.id}?done=saved")


HANDLERS = [agenda_form, save_agenda]
