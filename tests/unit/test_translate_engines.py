"""The circuit breaker and the LibreTranslate answer checks (no I/O)."""

from __future__ import annotations

import httpx
import pytest

from services.translate.engines import CircuitBreaker, EngineError, _translations

pytestmark = pytest.mark.unit


def test_the_breaker_opens_after_failures_in_a_row_and_closes_after_its_reset() -> None:
    breaker = CircuitBreaker(threshold=2, reset_seconds=0.0)
    breaker.record(ok=False)
    assert not breaker.is_open()
    slow = CircuitBreaker(threshold=2, reset_seconds=60.0)
    slow.record(ok=False)
    slow.record(ok=False)
    assert slow.is_open()
    slow.record(ok=True)
    assert not slow.is_open()
    breaker.record(ok=False)
    assert not breaker.is_open()  # reset time 0: half-open at once


def answer(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body)


def test_a_translation_per_sentence_is_required() -> None:
    assert _translations(answer(b'{"translatedText": ["a", "b"]}'), 2) == ["a", "b"]
    assert _translations(answer(b'{"translatedText": "a"}'), 1) == ["a"]
    for garbage in (b"<html>", b'{"translatedText": ["a"]}', b'{"error": 1}',
                    b'{"translatedText": ["a", ""]}'):
        with pytest.raises(EngineError):
            _translations(answer(garbage), 2)
