"""Machine translation engines: none, and LibreTranslate over HTTP with retries and a breaker."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import httpx

from services.translate.settings import TranslateSettings


class EngineError(Exception):
    """The engine gave no usable translation; the message is safe to show."""


class Engine(Protocol):
    name: str | None

    async def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        """Translations of `sentences`, in order."""
        ...


class NoEngine:
    """Human translation only: nothing is machine drafted."""

    name: str | None = None

    async def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        raise EngineError("no machine engine is configured")


class CircuitBreaker:
    """Opens after `threshold` failures in a row; while open, calls fail at once."""

    def __init__(self, threshold: int, reset_seconds: float) -> None:
        self.threshold, self.reset_seconds = threshold, reset_seconds
        self.failures, self.opened_at = 0, 0.0

    def is_open(self) -> bool:
        return self.failures >= self.threshold and (
            time.monotonic() - self.opened_at < self.reset_seconds)

    def record(self, ok: bool) -> None:
        if ok:
            self.failures = 0
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()


class LibreTranslate:
    """The LibreTranslate `/translate` API: `{"q": [...], "source", "target", "format"}`."""

    name: str | None = "libretranslate"

    def __init__(self, settings: TranslateSettings, client: httpx.AsyncClient) -> None:
        self.settings, self.client = settings, client
        self.breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_reset)

    async def translate(self, sentences: list[str], source: str, target: str) -> list[str]:
        if self.breaker.is_open():
            raise EngineError("machine engine unavailable (circuit open)")
        delay, last = self.settings.retry_backoff, "no attempt"
        for attempt in range(self.settings.retries):
            if attempt:
                await asyncio.sleep(delay)
                delay *= 2
            try:
                result = await self._once(sentences, source, target)
            except EngineError as error:
                last = str(error)
                continue
            self.breaker.record(ok=True)
            return result
        self.breaker.record(ok=False)
        raise EngineError(f"machine engine failed after {self.settings.retries} attempts: {last}")

    async def _once(self, sentences: list[str], source: str, target: str) -> list[str]:
        body: dict[str, object] = {"q": sentences, "source": source, "target": target,
                                   "format": "text"}
        if self.settings.libretranslate_api_key:
            body["api_key"] = self.settings.libretranslate_api_key
        try:
            response = await self.client.post(f"{self.settings.libretranslate_url}/translate",
                                              json=body, timeout=self.settings.timeout)
        except httpx.TimeoutException:
            raise EngineError("timed out") from None
        except httpx.HTTPError as error:
            raise EngineError(f"transport error {type(error).__name__}") from None
        if response.status_code != 200:
            raise EngineError(f"HTTP {response.status_code}")
        return _translations(response, len(sentences))


def _translations(response: httpx.Response, count: int) -> list[str]:
    try:
        payload = response.json()
    except ValueError:
        raise EngineError("answer is not JSON") from None
    texts = payload.get("translatedText") if isinstance(payload, dict) else None
    if isinstance(texts, str) and count == 1:
        texts = [texts]
    if not (isinstance(texts, list) and len(texts) == count
            and all(isinstance(text, str) and text.strip() for text in texts)):
        raise EngineError("answer does not hold one translation per sentence")
    return texts


def make_engine(settings: TranslateSettings, client: httpx.AsyncClient) -> Engine:
    """The configured engine."""
    if settings.engine == "libretranslate":
        return LibreTranslate(settings, client)
    return NoEngine()
