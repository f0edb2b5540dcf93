"""Query parameters gathered into a request model: a bad one is a 422 problem naming it."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.gateway.pages import decode_cursor
from services.gateway.problems import problem

Model = TypeVar("Model", bound=BaseModel)


def parse(model: type[Model], data: Any, **extra: Any) -> Model:
    """Validate query parameters gathered into `model`: 422 naming each bad one otherwise."""
    try:
        return model.model_validate({**extra, **data} if extra else data)
    except ValidationError as error:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"],
                   "source": "query"}
                  for e in error.errors(include_url=False, include_input=False)]
        raise problem(422, "The request is not valid; `errors` says where.",
                      kind="invalid-request", extensions={"errors": errors}) from None


def position_after(cursor: str | None) -> str | None:
    """The list position a `cursor` query parameter stands for (None: from the start); 400
    problem if it is not a cursor this API gave out."""
    try:
        return decode_cursor(cursor) if cursor else None
    except ValueError:
        raise problem(400, "The cursor is not one this API gave out.") from None
