"""Valid bodies for the registration routes, shown in the OpenAPI document: a client (or
Schemathesis' examples phase) may send each as is and have it accepted, so none names a time
in the past or a value the rules refuse."""

from __future__ import annotations

from typing import Any, Final

SESSION: Final[dict[str, Any]] = {
    "title": {"es": "Contratación abierta", "en": "Open contracting"},
    "summary": {"en": "Open data in procurement"}, "format": "panel",
    "topics": ["open_data"], "starts_at": "2036-06-02T14:00:00Z",
    "ends_at": "2036-06-02T16:00:00Z", "timezone": "America/Panama",
    "languages": ["es", "en"], "capacity": 40,
    "speakers": [{"name": "Speaker", "institution": "ChileCompra", "country": "CL"}],
}
SESSION_NEEDS: Final = ("title", "format", "starts_at", "ends_at", "timezone", "languages")
"""What a new session must say (the service answers 422 naming each one missing)."""
SESSION_CHANGE: Final[dict[str, Any]] = {"capacity": 60}
REGISTRATION: Final[dict[str, Any]] = {
    "name": "Ana", "email": "ana@example.org", "country": "PA", "institution": "DGCP",
    "sector": "government", "job_title": "Director", "gender": "female",
    "preferred_language": "es", "consent": True,
}
MAILED_TOKEN: Final[dict[str, Any]] = {"token": "the-token-from-the-mail"}
CANCELLATION: Final[dict[str, Any]] = {"reason": "The speaker is ill."}
DECISION: Final[dict[str, Any]] = {"reason": "Seats go to procurement officers first."}
