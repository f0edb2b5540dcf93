"""The staff stores on the gateway's database, for handlers, guards and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from litestar import Litestar
from pymongo.asynchronous.database import AsyncDatabase

from services.gateway.context import gateway_of
from services.gateway.settings import GatewaySettings
from services.gateway.staff.accounts import StaffAccounts
from services.gateway.staff.audit import AuditLog
from services.gateway.staff.signin import Lifetimes, SignIns
from shared.db import Document, IndexSpec


@dataclass(frozen=True)
class Staff:
    """Accounts, sign-ins and the audit log (cheap to make: collection handles only)."""

    accounts: StaffAccounts
    sign_ins: SignIns
    audit: AuditLog

    @classmethod
    def on(cls, db: AsyncDatabase[Document], options: GatewaySettings) -> Staff:
        """The stores on the gateway's database, with the configured lifetimes."""
        lifetimes = Lifetimes(link=timedelta(minutes=options.staff_link_minutes),
                              idle=timedelta(minutes=options.staff_idle_minutes),
                              longest=timedelta(hours=options.staff_session_hours),
                              links_per_hour=options.staff_links_per_hour)
        return cls(StaffAccounts(db), SignIns(db, lifetimes), AuditLog(db))


def staff_indexes() -> list[IndexSpec]:
    """Every index of the staff collections (created at the gateway's start)."""
    return [*StaffAccounts.indexes(), *SignIns.indexes(), *AuditLog.indexes()]


def staff_of(app: Litestar) -> Staff:
    """The staff stores of a running gateway."""
    gateway = gateway_of(app)
    return Staff.on(gateway.db, gateway.options)
