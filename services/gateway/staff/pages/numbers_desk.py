"""`/staff/numbers`: the baselines of the network in numbers, for the secretariat.

A baseline is a total the network reached before this system (200 dialogue spaces, 9,000
participants...), with who reports it and for which date. The page lists them, records one
and removes one after a confirmation, making the requests `GET`, `POST` and `DELETE
/v1/numbers/baselines` make (`rpc.numbers.list_baselines`, `record_baseline`,
`delete_baseline`), checked against the same contract. The public `/numbers` page shows them
apart from the live figures and adds the first three figures to the live ones.
"""

from __future__ import annotations

import re
from typing import Any, Final, get_args

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from pydantic import ValidationError

from services.gateway.context import gateway_of
from services.gateway.site.render import reader_of
from services.gateway.staff import i18n
from services.gateway.staff.context import staff_of
from services.gateway.staff.nav import N_
from services.gateway.staff.pages.documents_common import back_to
from services.gateway.staff.people import signed_in_person, staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.numbers.rpc import (
    Baseline,
    BaselineFigure,
    BaselineList,
    DeleteBaseline,
    ListBaselines,
    RecordBaseline,
)
from shared.contracts.rpc import RpcFailure

SVC: Final = "numbers"
SECRETARIAT: Final = [staff_only("secretariat")]
"""The same role as the `/v1/numbers/baselines` routes (and the menu's entry)."""

FIGURE_LABELS: Final[dict[str, str]] = dict(zip(get_args(BaselineFigure), (
    N_("Sessions held"), N_("Publications"), N_("Participants"), N_("Countries"),
    N_("Exchanges"), N_("Conferences"), N_("Workshops"), N_("Online courses"),
    N_("Public servants trained"), N_("Technical assistance missions"), N_("Scholarships")),
    strict=True))
"""Every figure a baseline may count, in the contract's order (the public page's names)."""

FIELDS: Final = ("figure", "value", "source", "as_of", "note")
MESSAGES: Final[dict[str, str]] = {
    "figure": N_("Choose what the figure counts."),
    "value": N_("Enter a whole number from 0 to 10,000,000, e.g. 9000."),
    "source": N_("Enter who reports the figure, in at most 500 characters."),
    "as_of": N_("Enter the date the source gives the figure for, e.g. 2024-12-31."),
    "note": N_("Enter a note of at most 1,000 characters."),
    "form": N_("Check the form."),
}
DONE: Final = {"recorded": N_("The baseline was recorded."),
               "removed": N_("The baseline was removed.")}
GROUPED: Final = re.compile(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+", re.ASCII)
"""A whole number as people type it: 9000, 9,000, 9.000 or 9 000 (groups of three only, so
no separator can be read as a decimal point)."""


def figure_label(code: str) -> str:
    """What a baseline counts, in the current language."""
    return i18n.gettext(FIGURE_LABELS.get(code, code))


def whole_number(text: str) -> int | str:
    """The number typed, or the text as typed for the contract to refuse."""
    typed = text.strip()
    return int(re.sub(r"\D", "", typed)) if GROUPED.fullmatch(typed) else typed


def form_values(form: dict[str, Any]) -> dict[str, str]:
    """What was typed, kept as typed (to show it again if refused)."""
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


def checked(values: dict[str, str], actor: str | None
            ) -> tuple[RecordBaseline | None, dict[str, str]]:
    """The request to record, or each refused field with its message id, in form order."""
    try:
        return RecordBaseline(figure=values["figure"], value=whole_number(values["value"]),
                              source=values["source"], as_of=values["as_of"],
                              note=values["note"] or None, actor=actor), {}
    except ValidationError as error:
        refused = {str(e["loc"][0]) if e["loc"] else "form" for e in error.errors()}
        fields = [name for name in (*FIELDS, "form") if name in refused] or ["form"]
        return None, {name: MESSAGES[name] for name in fields}


async def who_recorded(request: Request[Any, Any, Any], baselines: list[Baseline]
                       ) -> dict[str, str]:
    """The name of each staff account or API key that recorded a baseline (its id when it
    no longer exists), looked up once each in the gateway's own accounts and keys."""
    names: dict[str, str] = {}
    for actor in {b.recorded_by for b in baselines if b.recorded_by}:
        account = await staff_of(request.app).accounts.get(actor)
        key = None if account else await gateway_of(request.app).keys.get(actor)
        names[actor] = account.name if account else (
            i18n.gettext("API key “%(name)s”") % {"name": key.name} if key else actor)
    return names


async def _baselines(request: Request[Any, Any, Any]) -> list[Baseline]:
    listed = await gateway_of(request.app).call(SVC, "list_baselines", ListBaselines(),
                                                BaselineList)
    return listed.items


async def _page(request: Request[Any, Any, Any], values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, status: int = 200) -> Response[bytes]:
    """The baselines recorded and the form to record one."""
    reader = reader_of(request)
    i18n.use(reader.lang)
    baselines = await _baselines(request)
    done = request.query_params.get("done", "")
    return render_staff(request, StaffPage("numbers_desk.html", {
        "baselines": baselines, "who": await who_recorded(request, baselines),
        "values": values or dict.fromkeys(FIELDS, ""), "reader": reader,
        "errors": {name: i18n.gettext(msg) for name, msg in (errors or {}).items()},
        "has_errors": bool(errors), "done": DONE.get(done, "") if status == 200 else "",
        "figure_options": [(code, i18n.gettext(text)) for code, text in FIGURE_LABELS.items()],
        "figure_label": figure_label},
        status=status))


@get("/staff/numbers", include_in_schema=False, guards=SECRETARIAT)
async def numbers_desk(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The baselines, oldest first, and a form to record one."""
    return await _page(request)


@post("/staff/numbers/baselines", include_in_schema=False, guards=SECRETARIAT,
      status_code=200)
async def record_baseline(request: Request[Any, Any, Any]) -> Response[Any]:
    """Record the baseline typed; a refusal shows the form again at its fields."""
    values = form_values(dict(await request.form()))
    person = signed_in_person(request)
    ask, errors = checked(values, person.account_id if person else None)
    if ask is None:
        return await _page(request, values, errors, status=422)
    await gateway_of(request.app).call(SVC, "record_baseline", ask, Baseline)
    return back_to("/staff/numbers?done=recorded")


@get("/staff/numbers/baselines/{baseline_id:str}/remove", include_in_schema=False,
     guards=SECRETARIAT)
async def confirm_removal(request: Request[Any, Any, Any],
                          baseline_id: FromPath[str]) -> Response[bytes]:
    """Ask before removing: the public page stops showing the figure at once."""
    found = [b for b in await _baselines(request) if b.id == baseline_id]
    if not found:
        raise NotFoundException()
    reader = reader_of(request)
    i18n.use(reader.lang)
    return render_staff(request, StaffPage("numbers_remove.html", {
        "baseline": found[0], "reader": reader,
        "figure": figure_label(found[0].figure)}))


@post("/staff/numbers/baselines/{baseline_id:str}/remove", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def remove_baseline(request: Request[Any, Any, Any],
                          baseline_id: FromPath[str]) -> Response[Any]:
    """Remove it. One already gone (the button pressed twice) is what was asked: the list
    then says it was removed, as the first press did."""
    ask = DeleteBaseline(baseline_id=baseline_id[:64], actor=(
        person.account_id if (person := signed_in_person(request)) else None))
    try:
        await gateway_of(request.app).call(SVC, "delete_baseline", ask, BaselineList)
    except RpcFailure as failure:
        if failure.code != "not_found":
            raise
    return back_to("/staff/numbers?done=removed")


HANDLERS = [numbers_desk, record_baseline, confirm_removal, remove_baseline]
