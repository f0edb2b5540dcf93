"""`/v1/me` and `/v1/keys`: who am I, and the admin's management of API keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.auth import SECURITY, provide_caller, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import ROLES, ApiKey, Role
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, encode_cursor
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.openapi_docs import JsonBody, cursor_query, link_to, operation
from services.gateway.routes.queries import position_after


class Me(BaseModel):
    """The key the request was made with."""

    id: str
    role: Role
    name: str


class KeyInfo(BaseModel):
    """A stored key, without the key itself."""

    id: str
    role: Role
    name: str
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyInfo:
        """The public view of a stored key."""
        return cls(id=key.id, role=key.role, name=key.name, created_at=key.created_at,
                   revoked_at=key.revoked_at)


class NewKey(BaseModel):
    """A key to create."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    name: str = Field(min_length=1, max_length=200, description="Who or what the key is for.")


class CreatedKey(KeyInfo):
    """A created key: `key` is shown this once and cannot be recovered later."""

    key: str


ADMIN_ONLY = [requires_role("admin")]
KeyId = Annotated[str, PathParameter(pattern=r"^[0-9a-f]{1,64}$",
                                     description="A key's id (hex, as `POST /v1/keys` gives it).")]
KEY_LINKS = {"RevokeKey": link_to("V1KeysKeyIdRevokeKey", "Revoke the key created.",
                                  key_id="$response.body#/id")}


@get("/me", summary="The calling key", guards=[requires_role(*ROLES)], security=SECURITY,
     dependencies={"caller": Provide(provide_caller)}, responses=problem_responses(401, 500))
async def me(caller: NamedDependency[ApiKey]) -> Me:
    """Id, role and name of the key this request presented."""
    return Me(id=caller.id, role=caller.role, name=caller.name)


@get("/keys", summary="List API keys", guards=ADMIN_ONLY, security=SECURITY,
     responses=problem_responses(400, 401, 403, 500))
async def list_keys(
    gateway: NamedDependency[Gateway],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(64)] = None,
) -> Page[KeyInfo]:
    """Keys in creation order, revoked ones included; never the keys themselves."""
    keys, last = await gateway.keys.page(limit, position_after(cursor))
    return Page[KeyInfo](items=[KeyInfo.of(key) for key in keys], next_cursor=encode_cursor(last))


@post("/keys", summary="Create an API key", guards=ADMIN_ONLY, security=SECURITY,
      responses=problem_responses(400, 401, 403, 413, 500),
      operation_class=operation(JsonBody(NewKey, {"role": "integration",
                                                  "name": "The events site"}), links=KEY_LINKS))
async def create_key(gateway: NamedDependency[Gateway], data: JSONBody[NewKey]) -> CreatedKey:
    """Create a key; the answer holds the key, which is never shown again."""
    record, key = await gateway.keys.create(data.role, data.name, datetime.now(UTC))
    return CreatedKey(key=key, **KeyInfo.of(record).model_dump())


@delete("/keys/{key_id:str}", summary="Revoke an API key", guards=ADMIN_ONLY,
        security=SECURITY, responses=problem_responses(401, 403, 404, 500))
async def revoke_key(gateway: NamedDependency[Gateway], key_id: KeyId) -> None:
    """Revoke a key at once; revoking a revoked key changes nothing."""
    if await gateway.keys.revoke(key_id, datetime.now(UTC)) is None:
        raise problem(404, f"There is no key {key_id!r}.")


ACCESS_HANDLERS = [me, list_keys, create_key, revoke_key]
"""Mounted under `/v1`."""
