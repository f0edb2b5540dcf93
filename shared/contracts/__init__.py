"""Contracts between processes: the event envelope, event models and RPC messages."""

from shared.contracts.envelope import CloudEvent, InvalidEnvelope
from shared.contracts.events import Event
from shared.contracts.rpc import ErrorCode, Ping, Pong, RpcError, RpcFailure, RpcReply, rpc_subject

__all__ = [
    "CloudEvent", "ErrorCode", "Event", "InvalidEnvelope", "Ping", "Pong", "RpcError",
    "RpcFailure", "RpcReply", "rpc_subject",
]
