"""The staff pages' navigation, in one place: each desk, its address and who may open it.

Desks that other work adds are listed here already (a link to a page still to be built
answers 404 until it is). A page's guard (`people.staff_only`) must name the same roles as
its entry here, so the menu never offers what the guard refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from services.gateway.keys import Role
from services.gateway.staff.i18n import gettext


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Desk:
    """One entry of the staff menu."""

    label: str
    href: str
    roles: frozenset[Role]

    @property
    def text(self) -> str:
        """The label in the current language."""
        return gettext(self.label)


DESKS: Final[tuple[Desk, ...]] = (
    Desk(N_("Sessions"), "/staff/sessions", frozenset({"secretariat"})),
    Desk(N_("Documents"), "/staff/documents", frozenset({"secretariat", "editor"})),
    Desk(N_("Ingest queue"), "/staff/ingest", frozenset({"secretariat"})),
    Desk(N_("Delivery log"), "/staff/deliveries", frozenset({"secretariat"})),
    Desk(N_("The network in numbers"), "/staff/numbers", frozenset({"secretariat"})),
    Desk(N_("Translations"), "/staff/translations", frozenset({"translator"})),
    Desk(N_("Staff accounts"), "/staff/admin/accounts", frozenset()),
    Desk(N_("API keys"), "/staff/admin/keys", frozenset()),
    Desk(N_("Audit log"), "/staff/admin/audit", frozenset()),
)
"""`admin` may open every desk; `roles` lists who else may."""


ROLE_LABELS: Final[dict[str, str]] = {
    "admin": N_("Administrator"), "secretariat": N_("Secretariat"), "editor": N_("Editor"),
    "translator": N_("Translator"), "integration": N_("Integration"),
}


def role_label(role: str) -> str:
    """A role's name in the current language."""
    return gettext(ROLE_LABELS.get(role, role))


def may_open(role: str, roles: frozenset[Role]) -> bool:
    """Whether someone with `role` may open a page for `roles` (admin opens everything)."""
    return role == "admin" or role in roles


def visible_to(role: str) -> list[Desk]:
    """The desks `role` may open, in menu order."""
    return [desk for desk in DESKS if may_open(role, desk.roles)]
