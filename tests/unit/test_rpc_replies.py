"""How a responder turns a request it cannot read into a reply the caller can read."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, field_validator

from shared.bus import _reply
from shared.contracts.rpc import RpcReply


class Segment(BaseModel):
    segment: str

    @field_validator("segment")
    @classmethod
    def known(cls, value: str) -> str:
        if not value.startswith("s"):
            raise ValueError(f"unknown segment {value!r}")
        return value


async def _echo(request: Segment) -> Segment:
    return request


@pytest.mark.asyncio
async def test_a_validator_refusal_is_an_invalid_reply_that_serializes() -> None:
    reply = await _reply(_echo, Segment, {"segment": "x9"})

    assert reply.ok is False and reply.error is not None
    assert reply.error.code == "invalid"
    wire = json.loads(RpcReply.model_validate(reply).model_dump_json())
    (error,) = wire["error"]["details"]["errors"]
    assert error["loc"] == ["segment"]
    assert "unknown segment 'x9'" in error["msg"]


@pytest.mark.asyncio
async def test_a_readable_request_is_answered_with_its_result() -> None:
    reply = await _reply(_echo, Segment, {"segment": "s1"})

    assert reply.ok is True
    assert reply.data == {"segment": "s1"}
