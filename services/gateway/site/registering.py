"""Registering through the form: check, send once, and say what happens next.

Answers: 200 with the outcome and what the registrant must do next (confirmed; on the waiting
list at position N; awaiting the secretariat's approval; awaiting the confirmation of the
address from the mail, by a deadline; or, for an address already registered, only that we
have mailed it); 422 with the form, the reader's input kept and each problem next to its
field; 409 when registration is closed, with the reason.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from services.gateway.context import Gateway, gateway_of
from services.gateway.site import registration_form as forms
from services.gateway.site.once import once
from services.gateway.site.participant import deadline_words
from services.gateway.site.programme import programme_context
from services.gateway.site.render import Page, reader_of, render
from services.gateway.site.schedule import window
from shared.contracts.registration.rpc import Register, RegisterReply, SessionRef, SessionView
from shared.contracts.rpc import RpcFailure


@post("/sessions/{session_id:str}/register", include_in_schema=False, status_code=200)
async def register(request: Request[Any, Any, Any], gateway: NamedDependency[Gateway],
                   session_id: FromPath[str]) -> Response[bytes]:
    """The registration form's target."""
    session = await gateway.call("registration", "get_session",
                                 SessionRef(session_id=session_id[:64]), SessionView)
    values = forms.submitted(dict(await request.form()))
    form, errors = forms.check(values)
    if form is None:
        return _form_again(request, session, values, errors, 422)
    owner = request.cookies.get("dlg_csrf", "")
    try:
        reply = await once(
            gateway.db, f"{owner}|{session.id}|{values['form_key']}",
            forms.fingerprint(form, session.id),
            lambda: gateway.call("registration", "register",
                                 Register(session_id=session.id, form=form), RegisterReply),
            RegisterReply, wait=gateway.options.rpc_queue_wait + gateway.options.rpc_timeout)
    except RpcFailure as failure:
        return _refused(request, session, values, failure)
    deadline = None if reply.confirm_by is None else deadline_words(
        reader_of(request), reply.confirm_by, session.timezone)
    return render(request, Page("registration_result.html", {
        "session": session, "reply": reply, "deadline": deadline}, caching="no-store",
        switch_to=f"/sessions/{session.id}"))


def _refused(request: Request[Any, Any, Any], session: SessionView, values: dict[str, str],
             failure: RpcFailure) -> Response[bytes]:
    if failure.code in ("forbidden", "gone") and session.visibility == "invite_only":
        return _form_again(request, session, values,
                           {"invitation_token": forms.refusal_message(failure.code)}, 422)
    if failure.code == "invalid":
        reported = (failure.details or {}).get("errors", [])
        named = {str((e.get("loc") or [""])[0]) for e in reported}
        text = forms.messages()
        errors = {name: text[name] for name in forms.FIELDS if name in named}
        return _form_again(request, session, values, errors or {"name": text["name"]}, 422)
    if failure.code == "conflict":
        return _form_again(request, session, values, {}, 409)
    raise failure


def _form_again(request: Request[Any, Any, Any], session: SessionView, values: dict[str, str],
                errors: dict[str, str], status: int) -> Response[bytes]:
    reader = reader_of(request)
    context = {"session": session, "window": window(session, datetime.now(UTC)),
               **programme_context(session, reader, gateway_of(request.app).settings
                                   .public_base_url),
               **forms.form_context(session, values, errors, reader.lang)}
    if status == 409:
        context["window"] = context["window"] if context["window"] != "open" else "closed"
    return render(request, Page("session.html", context, status=status, caching="no-store",
                                switch_to=f"/sessions/{session.id}"))


HANDLERS = [register]
