"""`/staff`: the staff home, the desks the signed-in role may open."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from services.gateway.keys import ROLES
from services.gateway.staff.people import staff_only
from services.gateway.staff.render import StaffPage, render_staff


@get("/staff", include_in_schema=False, guards=[staff_only(*ROLES)])
async def staff_home(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every signed-in role has a home; the menu shows only the desks it may open."""
    return render_staff(request, StaffPage("home.html"))


HANDLERS = [staff_home]
