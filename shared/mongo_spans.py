"""Client spans for MongoDB commands, without the statement text.

A pymongo command listener: each command becomes a span `<command> <collection>` under the
span that issued it, with the database, operation and collection, but never the command
itself (filters and documents hold e-mails and names). Written here rather than taken from
the pymongo instrumentation package, whose default would need care to keep statements out.
"""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pymongo import monitoring

tracer = trace.get_tracer("dialogues.mongodb")

# Commands whose first value names the collection; others (ping, hello) name none.
_NO_COLLECTION = frozenset({"ping", "hello", "ismaster", "isMaster", "buildInfo", "endSessions",
                            "getMore", "killCursors", "listCollections", "listIndexes"})
_QUIET = frozenset({"hello", "ismaster", "isMaster", "endSessions"})  # driver chatter


class MongoSpans(monitoring.CommandListener):
    """Opens a span when a command starts and closes it when it succeeds or fails."""

    def __init__(self) -> None:
        self._open: dict[tuple[int, int], Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in _QUIET:
            return
        collection = None
        if event.command_name not in _NO_COLLECTION:
            value = event.command.get(event.command_name)
            collection = value if isinstance(value, str) else None
        name = f"{event.command_name} {collection}" if collection else event.command_name
        attributes: dict[str, str] = {"db.system": "mongodb", "db.name": event.database_name,
                                      "db.operation": event.command_name}
        if collection:
            attributes["db.mongodb.collection"] = collection
        span = tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        self._open[(event.request_id, event.operation_id or 0)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._open.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._open.pop((event.request_id, event.operation_id or 0), None)
        if span is not None:
            # The failure's message can quote the offending document: keep only its code.
            code = event.failure.get("code") if isinstance(event.failure, dict) else None
            span.set_status(Status(StatusCode.ERROR, f"mongodb error code {code}"))
            span.end()
