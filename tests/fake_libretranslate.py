"""A tiny LibreTranslate-compatible HTTP server on loopback, for tests and benchmarks.

It speaks the real `/translate` contract (`{"q": str | [str], "source", "target", "format"}`
-> `{"translatedText": str | [str]}`) over real HTTP, in a thread of its own. Its `mode`
decides how it answers: `ok`, `slow` (waits `delay` seconds first), `fail` (HTTP 500) or
`garbage` (200 with a body that is not a translation). A request whose text holds `#slow`,
`#fail` or `#garbage` gets that mode whatever the server's, so one test can mix a broken
document with healthy ones.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Mode = Literal["ok", "slow", "fail", "garbage"]


def fake_translation(text: str, target: str) -> str:
    """What the server answers for `text`: recognisable and deterministic."""
    return f"[{target}] {text}"


class FakeLibreTranslate:
    """The server's state: its mode, its latency and the requests it has answered."""

    def __init__(self, mode: Mode = "ok", delay: float = 0.0) -> None:
        self.mode: Mode = mode
        self.delay = delay
        self.slow_delay = 5.0
        self.requests = 0
        self.sentences = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _mode_for(self, body: bytes) -> Mode:
        for mode in ("slow", "fail", "garbage"):
            if f"#{mode}".encode() in body:
                return mode  # type: ignore[return-value]  # one of the Mode literals
        return self.mode

    def _answer(self, body: bytes) -> tuple[int, bytes]:
        with self._lock:
            self.requests += 1
        mode = self._mode_for(body)
        if mode == "slow" or self.delay:
            time.sleep(max(self.delay, 0.0 if mode != "slow" else self.slow_delay))
        if mode == "fail":
            return 500, b'{"error": "engine exploded"}'
        if mode == "garbage":
            return 200, b"<html>not a translation</html>"
        try:
            request = json.loads(body)
            q, target = request["q"], request["target"]
        except (ValueError, KeyError, TypeError):
            return 400, b'{"error": "Invalid request"}'
        texts = q if isinstance(q, list) else [q]
        with self._lock:
            self.sentences += len(texts)
        translated = [fake_translation(text, target) for text in texts]
        answer = translated if isinstance(q, list) else translated[0]
        return 200, json.dumps({"translatedText": answer}).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                status, payload = (fake._answer(body) if self.path == "/translate"
                                   else (404, b'{"error": "Not Found"}'))
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (the "slow" mode's point)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@contextmanager
def running(mode: Mode = "ok", delay: float = 0.0) -> Iterator[FakeLibreTranslate]:
    """A started server, stopped afterwards."""
    server = FakeLibreTranslate(mode, delay)
    server.start()
    try:
        yield server
    finally:
        server.stop()
