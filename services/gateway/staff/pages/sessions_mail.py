"""Reaching a session's people from the desk: mail its registrants, and personal invitations
for an invite-only session (the same RPCs as `/v1/sessions/{id}/messages` and
`/v1/sessions/{id}/invitations`).

Pressing "send" twice mails once: the form carries a key made when it was shown, and the
message's id is derived from the session and that key exactly as the API derives it from the
`Idempotency-Key` header (`message_id_for`), so the second press is the same message and the
service records and queues it once. Addresses are never logged nor put in a path.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from services.gateway.context import gateway_of
from services.gateway.routes.messages import message_id_for
from services.gateway.site.render import reader_of
from services.gateway.staff import i18n
from services.gateway.staff.pages import sessions_texts as texts
from services.gateway.staff.pages.sessions import (
    SECRETARIAT,
    SVC,
    back_to,
    desk_session,
    shown,
)
from services.gateway.staff.render import StaffPage, render_staff
from shared.contracts.registration.desk import (
    ID_PATTERN,
    InvitationPage,
    InvitationQuery,
    InvitationRef,
    InvitationsSent,
    InvitationView,
    SendInvitations,
)
from shared.contracts.registration.messages import (
    MessagePage,
    MessageRef,
    MessageView,
    SendMessage,
)
from shared.contracts.registration.rpc import SessionView

FORM_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


async def _messages_page(request: Request[Any, Any, Any], session: SessionView,
                         values: dict[str, Any], errors: dict[str, str], key: str,
                         sent: MessageView | None = None, status: int = 200) -> Response[bytes]:
    listed = await gateway_of(request.app).call(
        SVC, "list_messages", MessageRef(session_id=session.id), MessagePage)
    return render_staff(request, StaffPage("sessions_messages.html", {
        "session": session, "values": values, "errors": shown(request, errors),
        "has_errors": bool(errors),
        "key": key, "sent": sent, "messages": listed.items, "langs": texts.LANGS,
        "statuses": texts.STATUSES, "reader": reader_of(request)}, status=status))


def _fresh(values: dict[str, Any] | None = None) -> dict[str, Any]:
    return values or {**texts.message_values({}, []), "statuses": ["confirmed"]}


@get("/staff/sessions/{session_id:str}/messages", include_in_schema=False,
     guards=SECRETARIAT)
async def message_form(request: Request[Any, Any, Any],
                       session_id: FromPath[str]) -> Response[bytes]:
    """The form, with a key of its own for this one message, and the messages sent."""
    session = await desk_session(request, session_id)
    return await _messages_page(request, session, _fresh(), {}, secrets.token_urlsafe(18))


@post("/staff/sessions/{session_id:str}/messages", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def send_message(request: Request[Any, Any, Any],
                       session_id: FromPath[str]) -> Response[bytes]:
    """Send once per form key; the answer says how many people it is queued for."""
    session = await desk_session(request, session_id)
    posted = await request.form()
    values = texts.message_values(dict(posted), [str(s) for s in posted.getall("statuses", [])])
    key = str(posted.get("key", ""))
    draft, errors = texts.draft_of(values)
    if not FORM_KEY.match(key):
        key, errors = secrets.token_urlsafe(18), {**errors, "key": texts.MESSAGE_ERRORS["key"]}
    if draft is None or errors:
        return await _messages_page(request, session, values, errors, key, status=422)
    request_body = SendMessage(session_id=session.id, draft=draft,
                               message_id=message_id_for(session.id, key))
    sent = await gateway_of(request.app).call(SVC, "send_message", request_body, MessageView)
    return await _messages_page(request, session, _fresh(), {}, secrets.token_urlsafe(18),
                                sent)


async def _invitations_page(request: Request[Any, Any, Any], session: SessionView,
                            typed: str = "", wrong: list[int] | None = None,
                            sent: InvitationsSent | None = None,
                            status: int = 200) -> Response[bytes]:
    listed = await gateway_of(request.app).call(
        SVC, "list_invitations", InvitationQuery(session_id=session.id), InvitationPage)
    reader = reader_of(request)
    return render_staff(request, StaffPage("sessions_invitations.html", {
        "session": session, "typed": typed, "wrong": wrong or [], "sent": sent,
        "has_errors": bool(wrong), "invitations": listed.items, "reader": reader,
        "people_error": _people_error(request, wrong or []),
        "lang_options": [(code, reader.label("languages", code)) for code in texts.LANGS]},
        status=status))


def _people_error(request: Request[Any, Any, Any], wrong: list[int]) -> str:
    """What is wrong with the people typed: none at all, or these lines."""
    if wrong in ([], [0]):
        return shown(request, {"people": texts.NOBODY})["people"]
    i18n.use(reader_of(request).lang)
    return i18n.gettext(texts.WRONG_LINES) % {"lines": ", ".join(map(str, wrong[:20]))}


@get("/staff/sessions/{session_id:str}/invitations", include_in_schema=False,
     guards=SECRETARIAT)
async def invitations(request: Request[Any, Any, Any],
                      session_id: FromPath[str]) -> Response[bytes]:
    """Every personal invitation of the session and its state; a form to invite more."""
    return await _invitations_page(request, await desk_session(request, session_id))


@post("/staff/sessions/{session_id:str}/invitations", include_in_schema=False,
      guards=SECRETARIAT, status_code=200)
async def invite(request: Request[Any, Any, Any], session_id: FromPath[str]) -> Response[bytes]:
    """Mail each person typed their own link (someone invited before is not mailed again)."""
    session = await desk_session(request, session_id)
    posted = await request.form()
    typed = str(posted.get("people", ""))[:100_000]
    people, wrong = texts.invitees_of(typed, str(posted.get("language", "")))
    if wrong or not people or len(people) > texts.MAX_INVITEES:
        return await _invitations_page(request, session, typed, wrong or [0], status=422)
    sent = await gateway_of(request.app).call(
        SVC, "invite_people", SendInvitations(session_id=session.id, invitees=people),
        InvitationsSent)
    return await _invitations_page(request, session, sent=sent)


@post("/staff/sessions/{session_id:str}/invitations/{invitation_id:str}/revoke",
      include_in_schema=False, guards=SECRETARIAT, status_code=200)
async def revoke(request: Request[Any, Any, Any], session_id: FromPath[str],
                 invitation_id: FromPath[str]) -> Response[Any]:
    """Revoke one invitation: its link then refuses registration."""
    if not re.match(ID_PATTERN, invitation_id):
        raise NotFoundException("no such invitation")
    await gateway_of(request.app).call(SVC, "revoke_invitation",
                                       InvitationRef(invitation_id=invitation_id),
                                       InvitationView)
    return back_to(f"/staff/sessions/{session_id}/invitations")


HANDLERS = [message_form, send_message, invitations, invite, revoke]
