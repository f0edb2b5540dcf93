"""The secretariat's sessions desk: the list of sessions in every status, and the session form
(create, edit). A session's own page and its actions are in `sessions_actions`, its mail and
invitations in `sessions_mail`.

Pages call the registration service over RPC as the `/v1/sessions` routes do
(services/gateway/routes/registration.py): `list_sessions` with `published_only=False`,
`create_session`, `patch_session`, `get_session` with its secrets.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from services.gateway.context import gateway_of
from services.gateway.site.render import reader_of
from services.gateway.staff import i18n
from services.gateway.staff.pages import sessions_form as form
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.registration.desk import SessionListStatus
from shared.contracts.registration.rpc import (
    CreateSession,
    PatchSession,
    SessionFields,
    SessionPage,
    SessionQuery,
    SessionRef,
    SessionView,
)
from shared.contracts.rpc import RpcFailure
from shared.reference import SESSION_FORMATS, TOPICS

SECRETARIAT = [staff_only("secretariat")]
SVC = "registration"
PAGE_SIZE = 25
STATUSES = get_args(SessionListStatus)


def back_to(path: str) -> Redirect:
    """The answer to a form that worked: see the page it changed (POST, redirect, GET)."""
    return Redirect(path, status_code=303, headers={"Cache-Control": "no-store"})


async def desk_session(request: Request[Any, Any, Any], session_id: str) -> SessionView:
    """The session as the secretariat sees it (drafts too, with the join URL)."""
    ref = SessionRef(session_id=session_id[:64], include_secret=True)
    return await gateway_of(request.app).call(SVC, "get_session", ref, SessionView)


def shown(request: Request[Any, Any, Any], errors: dict[str, str]) -> dict[str, str]:
    """Form problems (msgids) in the reader's language, for the page about to render."""
    i18n.use(reader_of(request).lang)
    return {name: i18n.gettext(message) for name, message in errors.items()}


def _choices(lang: str) -> dict[str, Any]:
    return {"formats": [(f.code, f.labels.for_language(lang)) for f in SESSION_FORMATS],
            "topics": [(t.code, t.labels.for_language(lang)) for t in TOPICS],
            "statuses": STATUSES}


@get("/staff/sessions", include_in_schema=False, guards=SECRETARIAT)
async def session_list(
    request: Request[Any, Any, Any],
    status: Annotated[str | None, QueryParameter()] = None,
    format: Annotated[str | None, QueryParameter()] = None,
    topic: Annotated[str | None, QueryParameter()] = None,
    cursor: Annotated[str | None, QueryParameter(max_length=160)] = None,
) -> Response[bytes]:
    """Sessions in every status, latest start first, filtered; a "next page" link."""
    reader = reader_of(request)
    chosen = {"status": status if status in STATUSES else None,
              "format": format if format in {f.code for f in SESSION_FORMATS} else None,
              "topic": topic if topic in {t.code for t in TOPICS} else None}
    query = SessionQuery.model_validate({**chosen, "limit": PAGE_SIZE, "after": cursor or None,
                                         "published_only": False, "order": "starts_at_desc"})
    page = await gateway_of(request.app).call(SVC, "list_sessions", query, SessionPage)
    following = None if page.last is None else {
        **{k: v for k, v in chosen.items() if v}, "cursor": page.last}
    return render_staff(request, StaffPage("sessions_list.html", {
        "sessions": page.items, "chosen": chosen, "following": following, "reader": reader,
        "first_page": cursor is None, **_choices(reader.lang)}))


def _form_page(request: Request[Any, Any, Any], values: dict[str, Any],
               errors: dict[str, str], session: SessionView | None = None,
               status: int = 200) -> Response[bytes]:
    return render_staff(request, StaffPage("sessions_form.html", {
        "values": values, "errors": shown(request, errors), "session": session,
        "langs": form.LANGS,
        "times": session is None or session.status == "draft", "has_errors": bool(errors),
        "reader": reader_of(request), **_choices(reader_of(request).lang)}, status=status))


async def _submitted(request: Request[Any, Any, Any]) -> dict[str, Any]:
    posted = await request.form()
    lists = {name: [str(v) for v in posted.getall(name, [])] for name in ("topics", "languages")}
    return form.submitted(dict(posted), lists)


def _refused(failure: RpcFailure) -> dict[str, str]:
    """The inputs a refusal of the service names (`invalid`); any other refusal is raised."""
    if failure.code != "invalid":
        raise failure
    named = [str((e.get("loc") or [""])[0]) for e in (failure.details or {}).get("errors", [])]
    return form.errors_for(named)


@get("/staff/sessions/new", include_in_schema=False, guards=SECRETARIAT)
async def new_session(request: Request[Any, Any, Any]) -> Response[bytes]:
    """An empty session form."""
    return _form_page(request, form.blank(), {})


@post("/staff/sessions/new", include_in_schema=False, guards=SECRETARIAT, status_code=200)
async def create_session(request: Request[Any, Any, Any]) -> Response[Any]:
    """Create a draft from the form; its page next, or the form again with the problems."""
    values = await _submitted(request)
    fields, errors = form.fields_of(values)
    if fields is None:
        return _form_page(request, values, errors, status=422)
    try:
        made = await gateway_of(request.app).call(SVC, "create_session",
                                                  CreateSession(fields=fields), SessionView)
    except RpcFailure as failure:
        return _form_page(request, values, _refused(failure), status=422)
    return back_to(f"/staff/sessions/{made.id}")


@get("/staff/sessions/{session_id:str}/edit", include_in_schema=False, guards=SECRETARIAT)
async def edit_session(request: Request[Any, Any, Any],
                       session_id: FromPath[str]) -> Response[bytes]:
    """The form with the session's values (times only for a draft: a published session is
    moved with a reschedule, which shows first who will be told)."""
    session = await desk_session(request, session_id)
    return _form_page(request, form.values_of(session), {}, session)


def _patch(session: SessionView, fields: SessionFields) -> PatchSession:
    unset = fields.capacity is None and session.capacity is not None
    return PatchSession(session_id=session.id, fields=fields, unset_capacity=unset)


@post("/staff/sessions/{session_id:str}/edit", include_in_schema=False, guards=SECRETARIAT,
      status_code=200)
async def save_session(request: Request[Any, Any, Any],
                       session_id: FromPath[str]) -> Response[Any]:
    """Save the form's changes; back to the session's page, or the form with the problems."""
    session = await desk_session(request, session_id)
    values = await _submitted(request)
    fields, errors = form.fields_of(values, with_times=session.status == "draft")
    if fields is None:
        return _form_page(request, values, errors, session, 422)
    try:
        await gateway_of(request.app).call(SVC, "patch_session", _patch(session, fields),
                                           SessionView)
    except RpcFailure as failure:
        return _form_page(request, values, _refused(failure), session, 422)
    return back_to(f"/staff/sessions/{session.id}")


HANDLERS = [session_list, new_session, create_session, edit_session, save_session]
