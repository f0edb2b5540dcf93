"""How the supervisor reads the gateway's `/health/ready` answers (no network)."""

from __future__ import annotations

import httpx
import pytest

from cli.readiness import probe, wait_until_ready

pytestmark = pytest.mark.unit


def client_answering(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def test_200_is_ready() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, json={"status": "ready"}))
    assert probe(client_answering(transport), "http://gw").ready


def test_503_names_the_unavailable_services() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(
        503, json={"status": 503, "unavailable": ["notify", "catalog"]}))
    result = probe(client_answering(transport), "http://gw")
    assert not result.ready
    assert result.detail == "/health/ready answers 503; unavailable: notify, catalog"


def test_an_answer_that_is_not_json_is_not_ready() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(502, text="bad gateway"))
    assert probe(client_answering(transport), "http://gw").detail == "/health/ready answers 502"


def test_a_gateway_that_does_not_answer_is_not_ready_yet() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    result = probe(client_answering(httpx.MockTransport(refuse)), "http://gw")
    assert not result.ready
    assert "does not answer" in result.detail


def test_waiting_stops_at_once_when_a_stop_was_asked() -> None:
    calls: list[int] = []
    result = wait_until_ready("http://gw", timeout=30, keep_waiting=lambda: False,
                              meanwhile=lambda: calls.append(1))
    assert not result.ready
    assert calls == []
