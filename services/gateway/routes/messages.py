"""Routes of the secretariat's mail about a session: write to its registrants, list what
was written, announce it to subscribers.

A message must carry an `Idempotency-Key`: the gateway replays the first answer to the same
key (`idempotency.py`), and the message's id is derived from the session and the key, so
even a press the replay cannot catch (the record expired, two gateways at once) is one
message, mailed once.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody
from litestar.types import ControllerRouterHandler

from services.gateway.auth import SECURITY, requires_role
from services.gateway.context import Gateway
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.materials import SessionId
from services.gateway.routes.openapi_docs import JsonBody, operation
from shared.contracts.registration.messages import (
    Announcement,
    MessageDraft,
    MessagePage,
    MessageRef,
    MessageView,
    SendMessage,
)
from shared.contracts.registration.rpc import SessionRef

SECRETARIAT = [requires_role("secretariat")]
SVC = "registration"
KEY_HEADER = "Idempotency-Key"
MESSAGE = {"subject": {"es": "Cambio de sala", "en": "New room"},
           "body": {"es": "La sesión será en la sala 2.", "en": "The session is in room 2."},
           "statuses": ["confirmed"]}


def message_id_for(session_id: str, key: str) -> str:
    """The stable id of the message a request with this key writes to this session."""
    return hashlib.sha256(f"{session_id}\n{key}".encode()).hexdigest()[:32]


def required_key(key: str | None) -> str:
    """The request's Idempotency-Key; 422 naming the header if it has none."""
    if not key:
        raise problem(422, f"A message needs an {KEY_HEADER} header: pressing twice must not "
                      "mail twice.", kind="invalid-request",
                      extensions={"errors": [{"field": KEY_HEADER, "message": "required",
                                              "source": "header"}]})
    return key


@post("/sessions/{session_id:str}/messages", summary="Mail a session's registrants",
      status_code=202, guards=SECRETARIAT, security=SECURITY, tags=["sessions"],
      responses=problem_responses(401, 403, 404, 409, 422),
      operation_class=operation(JsonBody(MessageDraft, MESSAGE), required_headers=(KEY_HEADER,)))
async def send_message(
    gateway: NamedDependency[Gateway], session_id: SessionId, data: JSONBody[MessageDraft],
    idempotency_key: Annotated[str | None, HeaderParameter(
        name=KEY_HEADER, max_length=200, schema_extra={"minLength": 1},
        description="Required: the same key again answers the first message.")] = None,
) -> MessageView:
    """Each registrant of the chosen statuses gets the message once, in their language
    (pt readers get the Spanish text and fr readers the English one when it was not written
    in theirs), through notify and its delivery log."""
    request = SendMessage(session_id=session_id, draft=data,
                          message_id=message_id_for(session_id, required_key(idempotency_key)))
    return await gateway.call(SVC, "send_message", request, MessageView)


@get("/sessions/{session_id:str}/messages", summary="Messages sent to a session's registrants",
     guards=SECRETARIAT, security=SECURITY, tags=["sessions"],
     responses=problem_responses(401, 403, 404))
async def list_messages(gateway: NamedDependency[Gateway],
                        session_id: SessionId) -> MessagePage:
    """Newest first: texts, statuses reached and how many people, never their addresses."""
    return await gateway.call(SVC, "list_messages", MessageRef(session_id=session_id),
                              MessagePage)


@post("/sessions/{session_id:str}/announce", summary="Announce a session to subscribers",
      status_code=202, guards=SECRETARIAT, security=SECURITY, tags=["sessions"],
      responses=problem_responses(401, 403, 404, 409))
async def announce_session(gateway: NamedDependency[Gateway],
                           session_id: SessionId) -> Announcement:
    """A published, public session is mailed to the subscribers who follow sessions on its
    topics, each in their language; once per session (again: 409)."""
    return await gateway.call(SVC, "announce_session", SessionRef(session_id=session_id),
                              Announcement)


PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
KEYED_HANDLERS: list[ControllerRouterHandler] = [send_message, list_messages,
                                                 announce_session]
ROOT_PUBLIC_HANDLERS: list[ControllerRouterHandler] = []
