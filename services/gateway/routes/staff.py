"""`/v1/staff/accounts` and `/v1/audit`: the admin's management of staff accounts, and the
audit log. Admin keys only; the staff admin pages do the same through the same stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.auth import SECURITY, requires_role
from services.gateway.context import Gateway
from services.gateway.keys import Role
from services.gateway.pages import DEFAULT_LIMIT, MAX_LIMIT, Page, encode_cursor
from services.gateway.problems import problem, problem_responses
from services.gateway.routes.openapi_docs import JsonBody, cursor_query, operation
from services.gateway.routes.queries import position_after
from services.gateway.staff.accounts import AccountExists, StaffAccount
from services.gateway.staff.audit import AuditRecord
from services.gateway.staff.context import Staff
from shared.contracts.addresses import STATED_ADDRESS, StatedAddress
from shared.contracts.exact import JsonBool

ADMIN_ONLY = [requires_role("admin")]
MAX_POSITION = 64
"""The longest list position (an account's or audit record's id) a cursor stands for."""


class AccountView(BaseModel):
    """A staff account."""

    id: str
    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, account: StaffAccount) -> AccountView:
        """The API's view of an account."""
        return cls(**account.__dict__)


class NewAccount(BaseModel):
    """A staff account to create (it may sign in at once)."""

    model_config = ConfigDict(extra="forbid")

    email: StatedAddress = Field(min_length=6, max_length=254,
                                 json_schema_extra={"pattern": STATED_ADDRESS})
    name: str = Field(min_length=1, max_length=200)
    role: Role


class AccountChange(BaseModel):
    """A new role, and/or disabling (`active: false`) or enabling an account."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: JsonBool | None = None


class Revoked(BaseModel):
    """How many sign-in sessions were ended."""

    sessions: int


class AuditActor(BaseModel):
    """Who acted: a staff account or an API key, and its role."""

    kind: str
    id: str
    role: str


class AuditEntry(BaseModel):
    """One recorded action: no body, no query, no personal data."""

    id: str
    at: datetime
    actor: AuditActor
    method: str
    route: str
    ids: dict[str, str]
    status: int

    @classmethod
    def of(cls, record: AuditRecord) -> AuditEntry:
        """The API's view of a record."""
        return cls(id=record.id, at=record.at, actor=AuditActor(**record.actor.__dict__),
                   method=record.method, route=record.route, ids=record.ids,
                   status=record.status)


def _staff(gateway: Gateway) -> Staff:
    return Staff.on(gateway.db, gateway.options)



@get("/staff/accounts", summary="List staff accounts", guards=ADMIN_ONLY, security=SECURITY,
     responses=problem_responses(400, 401, 403, 500))
async def list_accounts(
    gateway: NamedDependency[Gateway],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(MAX_POSITION)] = None,
) -> Page[AccountView]:
    """Accounts in creation order, disabled ones included."""
    items, last = await _staff(gateway).accounts.page(limit, position_after(cursor))
    return Page[AccountView](items=[AccountView.of(a) for a in items],
                             next_cursor=encode_cursor(last))


@post("/staff/accounts", summary="Create a staff account", guards=ADMIN_ONLY,
      security=SECURITY, responses=problem_responses(400, 401, 403, 409, 413, 500),
      operation_class=operation(JsonBody(NewAccount, {
          "email": "ana.perez@example.org", "name": "Ana Pérez", "role": "editor"})))
async def create_account(gateway: NamedDependency[Gateway],
                         data: JSONBody[NewAccount]) -> AccountView:
    """Create an account; its owner signs in with a mailed link (or OpenID Connect)."""
    try:
        account = await _staff(gateway).accounts.create(data.email, data.name, data.role,
                                                        datetime.now(UTC))
    except AccountExists:
        raise problem(409, "There is already a staff account with this address.") from None
    return AccountView.of(account)


@patch("/staff/accounts/{account_id:str}", summary="Change a staff account's role or "
       "disable it", guards=ADMIN_ONLY, security=SECURITY,
       responses=problem_responses(400, 401, 403, 404, 413, 500),
       operation_class=operation(JsonBody(AccountChange, {"role": "secretariat"})))
async def change_account(gateway: NamedDependency[Gateway], account_id: FromPath[str],
                         data: JSONBody[AccountChange]) -> AccountView:
    """A new role or a disabled account applies to its open sessions at their next request;
    disabling also ends them."""
    staff = _staff(gateway)
    account = await staff.accounts.change(account_id, role=data.role, active=data.active)
    if account is None:
        raise problem(404, f"There is no staff account {account_id!r}.")
    if data.active is False:
        await staff.sign_ins.revoke_all(account_id)
    return AccountView.of(account)


@delete("/staff/accounts/{account_id:str}/sessions", summary="Sign a staff account out "
        "everywhere", guards=ADMIN_ONLY, security=SECURITY, status_code=200,
        responses=problem_responses(401, 403, 404, 500))
async def revoke_sessions(gateway: NamedDependency[Gateway],
                          account_id: FromPath[str]) -> Revoked:
    """End every sign-in session of the account at once."""
    staff = _staff(gateway)
    if await staff.accounts.get(account_id) is None:
        raise problem(404, f"There is no staff account {account_id!r}.")
    return Revoked(sessions=await staff.sign_ins.revoke_all(account_id))


@get("/audit", summary="The audit log", guards=ADMIN_ONLY, security=SECURITY,
     responses=problem_responses(400, 401, 403, 500))
async def audit_log(
    gateway: NamedDependency[Gateway],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, cursor_query(MAX_POSITION)] = None,
) -> Page[AuditEntry]:
    """Every staff and API action that may change something, newest first."""
    items, last = await _staff(gateway).audit.page(limit, position_after(cursor))
    return Page[AuditEntry](items=[AuditEntry.of(r) for r in items],
                            next_cursor=encode_cursor(last))


STAFF_HANDLERS = [list_accounts, create_account, change_account, revoke_sessions, audit_log]
"""Mounted under `/v1` (keyed)."""
