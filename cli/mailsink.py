"""A local SMTP server that accepts every message and keeps it as an `.eml` file.

`dialogues up` runs it as a child process (`python -m cli.mailsink`), like the services, so it is
supervised, restarted and logged the same way, and the supervisor itself runs no threads while it
forks children. Tests start it in-process with `MailSink`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

log = logging.getLogger("cli.mailsink")  # not __name__: that is "__main__" under -m


def mail_folder(data_dir: Path) -> Path:
    """Where the sink keeps messages, and where `dialogues mail` reads them."""
    return data_dir / "mail"


class EmlWriter:
    """aiosmtpd handler: each accepted message becomes `<id>.eml`, ids sorting by arrival."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _new_path(self) -> Path:
        # Time to the microsecond sorts by arrival; the loop only guards the same microsecond.
        # No await comes between choosing the name and using it, so the check cannot race.
        now = datetime.now(UTC)
        while True:
            path = self.folder / f"{now:%Y%m%d-%H%M%S-%f}.eml"
            if not path.exists():
                return path
            now = now.replace(microsecond=(now.microsecond + 1) % 1_000_000)

    def save(self, mail_from: str, rcpt_tos: Sequence[str], content: bytes) -> Path:
        """Write one message, with the envelope as delivery agents record it (Return-Path)."""
        envelope = (
            f"Return-Path: <{mail_from}>\r\nX-Original-To: {', '.join(rcpt_tos)}\r\n"
        ).encode()
        path = self._new_path()
        partial = path.with_suffix(".part")
        # Write then rename, so `dialogues mail` never reads half a message.
        partial.write_bytes(envelope + content)
        os.replace(partial, path)
        return path

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Called by aiosmtpd once a message is received; the file write is small and local."""
        path = self.save(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
        log.info("mail kept", extra={"mail_id": path.stem})  # the id only: no addresses in logs
        return f"250 OK kept as {path.stem}"


def _controller_on(sock: socket.socket, handler: EmlWriter) -> Controller:
    """aiosmtpd's threaded controller serving on `sock`, a socket from `server_socket` as
    every server of ours, instead of one it would make itself (imported here: `dialogues up`
    and `dialogues mail` import this module and need no SMTP server)."""
    from aiosmtpd.controller import Controller

    class OnOurSocket(Controller):
        def _create_server(self) -> Coroutine[Any, Any, asyncio.Server]:
            return self.loop.create_server(self._factory_invoker, sock=sock,
                                           ssl=self.ssl_context)

    host, port = sock.getsockname()[:2]
    return OnOurSocket(handler, hostname=host, port=port, enable_SMTPUTF8=True)


class MailSink:
    """The sink on `host:port` (0: any free port), served by aiosmtpd in a background thread."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        from shared.servers import server_socket

        sock = server_socket(host, port)
        self.folder, self.host, self.port = folder, host, int(sock.getsockname()[1])
        # aiosmtpd logs every SMTP command at INFO, MAIL FROM and RCPT TO addresses included.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller = _controller_on(sock, EmlWriter(folder))

    def start(self) -> None:
        """Listen; returns once the server answers."""
        self._controller.start()

    def stop(self) -> None:
        """Stop listening and end the thread."""
        self._controller.stop()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m cli.mailsink --folder DIR --port N`: serve until SIGTERM or SIGINT."""
    from shared.telemetry import setup_logging

    parser = argparse.ArgumentParser(prog="python -m cli.mailsink")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    setup_logging("mailsink")
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    # Blocked before the server thread starts, so that thread inherits the mask and only
    # sigwait below sees them.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    sink = MailSink(args.folder, args.host, args.port)
    sink.start()
    log.info("mail sink listening", extra={"port": sink.port, "folder": str(args.folder)})
    signal.sigwait(stop_signals)
    sink.stop()
    log.info("mail sink stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
