"""`dialogues keys create|list|revoke`: the gateway's API keys, straight in its database.

This is how the first admin key comes to exist (the API itself needs one). Settings come from
the environment like the gateway's own (`MONGO_URL`, `DB_PREFIX`, `GATEWAY_MONGO_URL`, ...),
and where it names no server, from the `dialogues up` running on the same DATA_DIR.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from pymongo.errors import PyMongoError

from cli.endpoints import local_settings
from services.gateway.context import SERVICE
from services.gateway.keys import ROLES, ApiKey, KeyStore, as_role
from shared.db import ensure_indexes, make_client
from shared.settings import Settings


def run_keys(args: argparse.Namespace) -> int:
    """Run one `keys` subcommand; 0 on success, 1 on failure."""
    settings = local_settings(SERVICE)
    try:
        return asyncio.run(_run(args, settings))
    except PyMongoError as error:
        # The type only: a message could repeat the URL, and with it a password.
        print(f"dialogues keys: MongoDB did not answer ({type(error).__name__}); "
              "check MONGO_URL.", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    client = make_client(settings, app_name="dialogues-cli")
    try:
        db = client[settings.database_name(SERVICE)]
        await ensure_indexes(db, KeyStore.indexes())
        store = KeyStore(db)
        if args.keys_command == "create":
            return await _create(store, args.role, args.name)
        if args.keys_command == "list":
            return await _list(store)
        return await _revoke(store, args.key_id)
    finally:
        await client.close()


async def _create(store: KeyStore, role: str, name: str) -> int:
    valid_role = as_role(role)
    if valid_role is None or not name.strip():
        print(f"dialogues keys: a role among {', '.join(ROLES)} and a non-empty name, please.",
              file=sys.stderr)
        return 1
    record, key = await store.create(valid_role, name.strip(), datetime.now(UTC))
    # The key alone on stdout, so `KEY=$(dialogues keys create ...)` works; the rest to stderr.
    print(key)
    print(f"Created key {record.id} (role {record.role}). It is shown this once and only its "
          "hash is stored: keep it now.", file=sys.stderr)
    return 0


def _row(key: ApiKey) -> str:
    revoked = key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-"
    created = key.created_at.isoformat(timespec="seconds")
    return f"{key.id:<18} {key.role:<12} {created:<26} {revoked:<26} {key.name}"


async def _list(store: KeyStore) -> int:
    print(f"{'ID':<18} {'ROLE':<12} {'CREATED':<26} {'REVOKED':<26} NAME")
    keys, cursor = await store.page(100)
    while True:
        for key in keys:
            print(_row(key))
        if cursor is None:
            return 0
        keys, cursor = await store.page(100, cursor)


async def _revoke(store: KeyStore, key_id: str) -> int:
    revoked = await store.revoke(key_id, datetime.now(UTC))
    if revoked is None:
        print(f"dialogues keys: there is no key {key_id!r}.", file=sys.stderr)
        return 1
    print(f"Revoked key {revoked.id}.")
    return 0
