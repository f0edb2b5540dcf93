"""One reusable SMTP connection per sending worker: connect (and log in) once, send many.

Opening a connection per mail (TCP, greeting, EHLO, STARTTLS, AUTH) cost more than the mail
itself; a worker now keeps its connection open between mails and drops it after an idle
spell or on any trouble. A server that closed an idle connection is met with one fresh
connection and one retry, only when the reused connection broke before the server accepted
anything the first time round (so the retry cannot double a mail the server took).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from email.utils import parseaddr

import aiosmtplib

from services.notify.delivery.mime import Unmailable, smtp_address
from services.notify.domain.delivery import SmtpResult
from services.notify.settings import SmtpSettings

STALE = frozenset({"SMTPServerDisconnected", "ConnectionResetError", "BrokenPipeError"})
"""Errors of a connection the server had already closed."""


@dataclass
class SmtpConnection:
    """A lazily opened, reused SMTP client; `send` never raises for SMTP or network trouble."""

    settings: SmtpSettings
    timeout: float
    idle_seconds: float = 30.0
    client: aiosmtplib.SMTP | None = field(default=None, init=False)
    last_used: float = field(default=0.0, init=False)

    async def send(self, raw: bytes, to: str) -> SmtpResult:
        """One SMTP transaction on the open connection (opening it if needed)."""
        try:
            to = smtp_address(to)
        except Unmailable as error:
            return SmtpResult(False, None, str(error), permanent=True)
        reused = self.client is not None and self.client.is_connected
        result = await self._attempt(raw, to)
        if reused and not result.ok and result.text in STALE:
            # The kept connection had gone stale (e.g. the server's idle timeout closed it):
            # it broke without any reply, so nothing was accepted; try once afresh. A
            # timeout is not retried here: the server may have taken the mail.
            result = await self._attempt(raw, to)
        self.last_used = time.monotonic()
        return result

    async def _attempt(self, raw: bytes, to: str) -> SmtpResult:
        try:
            client = await self._connected()
            _, response = await client.sendmail(_address(self.settings.smtp_from), [to], raw,
                                                timeout=self.timeout)
        except aiosmtplib.SMTPRecipientsRefused as error:
            refused = error.recipients[0]
            return SmtpResult(False, refused.code, refused.message[:300])
        except aiosmtplib.SMTPResponseException as error:
            if error.code in (421, -1):  # the server is closing the connection
                await self.close()
            return SmtpResult(False, error.code, error.message[:300])
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self.close()
            return SmtpResult(False, None, type(error).__name__)
        return SmtpResult(True, 250, response[:300])

    async def _connected(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        await self.close()
        settings = self.settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host or "127.0.0.1", port=settings.smtp_port,
            username=settings.smtp_username, password=settings.smtp_password,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls", timeout=self.timeout)
        await client.connect()
        self.client = client
        return client

    async def close_if_idle(self) -> None:
        """Drop a connection unused for `idle_seconds` (servers time idle ones out anyway)."""
        if self.client is not None and time.monotonic() - self.last_used > self.idle_seconds:
            await self.close()

    async def close(self) -> None:
        """Say QUIT if possible, then forget the connection."""
        client, self.client = self.client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit(timeout=min(self.timeout, 5.0))
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()


def _address(sender: str) -> str:
    return parseaddr(sender)[1]
