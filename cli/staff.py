"""`dialogues staff add --role admin <address>`: a staff account, straight in the gateway's
database, so a fresh system can be entered (the admin pages and API need an admin first).
Settings as for `dialogues keys` (cli/keys.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from pymongo.errors import PyMongoError

from cli.endpoints import local_settings
from services.gateway.context import SERVICE
from services.gateway.keys import ROLES, as_role
from services.gateway.staff.accounts import AccountExists, StaffAccounts
from shared.db import ensure_indexes, make_client
from shared.settings import Settings


def run_staff(args: argparse.Namespace) -> int:
    """Run one `staff` subcommand; 0 on success, 1 on failure."""
    role = as_role(args.role)
    if role is None or "@" not in args.address:
        print(f"dialogues staff: an address and a role among {', '.join(ROLES)}, please.",
              file=sys.stderr)
        return 1
    try:
        return asyncio.run(_add(local_settings(SERVICE), args.address, args.name or "", role))
    except PyMongoError as error:
        print(f"dialogues staff: MongoDB did not answer ({type(error).__name__}); "
              "check MONGO_URL.", file=sys.stderr)
        return 1


async def _add(settings: Settings, address: str, name: str, role: str) -> int:
    client = make_client(settings, app_name="dialogues-cli")
    try:
        db = client[settings.database_name(SERVICE)]
        await ensure_indexes(db, StaffAccounts.indexes())
        valid = as_role(role)
        assert valid is not None
        try:
            account = await StaffAccounts(db).create(address, name or address.split("@")[0],
                                                     valid, datetime.now(UTC))
        except AccountExists:
            print("dialogues staff: there is already an account with this address.",
                  file=sys.stderr)
            return 1
        print(f"Created staff account {account.id} (role {account.role}); it signs in at "
              "/staff/sign-in with a mailed link.")
        return 0
    finally:
        await client.close()
