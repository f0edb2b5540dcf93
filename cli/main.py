"""`dialogues <command>`: the operator's entry point.

Each command's work lives in its own module, imported only when that command runs, so that
`dialogues keys ...` does not pay for importing the supervisor and the other way round.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialogues", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start the whole system on this machine")
    up.add_argument("--port", type=int, default=None,
                    help="gateway port (default: GATEWAY_PORT; 0: any free port)")
    up.add_argument("--data-dir", default=None, help="state folder (default: DATA_DIR)")
    up.add_argument("--replicas", type=int, default=1, help="processes of each service")
    up.add_argument("--ready-seconds", type=float, default=60.0,
                    help="how long every service has to answer before up gives up (default 60)")

    mail = commands.add_parser("mail", help="list the messages in the local mail sink")
    mail.add_argument("--data-dir", default=None, help="state folder (default: DATA_DIR)")
    mail.add_argument("--show", metavar="ID", default=None, help="print one whole message")

    dlq = commands.add_parser("dlq", help="dead letters: list them, replay them once fixed")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    dlq_commands.add_parser("list", help="what is waiting in the dead-letter stream, and why")
    replay = dlq_commands.add_parser("replay", help="publish again on the original subject")
    replay.add_argument("sequences", nargs="*", type=int, help="DLQ sequence numbers")
    replay.add_argument("--all", action="store_true", help="every dead letter")
    replay.add_argument("--consumer", default=None, help="only those of this consumer")

    asyncapi = commands.add_parser("asyncapi", help="the AsyncAPI document of the bus")
    asyncapi.add_argument("--write", action="store_true", help="write docs/asyncapi.json")

    keys = commands.add_parser("keys", help="manage the gateway's API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key; it is printed once")
    create.add_argument("--role", required=True,
                        choices=["admin", "secretariat", "editor", "translator", "integration"])
    create.add_argument("--name", required=True, help="who or what the key is for")
    key_commands.add_parser("list", help="list keys (never the keys themselves)")
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")

    staff = commands.add_parser("staff", help="manage staff accounts (the first admin)")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_commands.add_parser("add", help="create a staff account that may sign in")
    add.add_argument("--role", required=True,
                     choices=["admin", "secretariat", "editor", "translator", "integration"])
    add.add_argument("--name", default=None, help="the person's name (shown on the pages)")
    add.add_argument("address", help="the e-mail address the sign-in link is mailed to")

    commands.add_parser("config", help="list every setting with its default")

    importing = commands.add_parser(
        "import", help="import text, Markdown and PDF files into the catalog as documents")
    importing.add_argument("paths", nargs="+",
                           help="files or folders; metadata from a sidecar FILE.json if present")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    args = _parser().parse_args(argv)
    if args.command == "up":
        from cli.up import run_up
        return run_up(args)
    if args.command == "mail":
        from cli.mail import run_mail
        return run_mail(args)
    if args.command == "dlq":
        from cli.dlq import run_dlq
        return run_dlq(args)
    if args.command == "asyncapi":
        from cli.asyncapi import run_asyncapi
        return run_asyncapi(args)
    if args.command == "keys":
        from cli.keys import run_keys
        return run_keys(args)
    if args.command == "staff":
        from cli.staff import run_staff
        return run_staff(args)
    if args.command == "import":
        from cli.importer import run_import
        return run_import(args)
    from cli.config import run_config
    return run_config(args)


if __name__ == "__main__":
    sys.exit(main())
