"""Query parameters gathered into a request model: a bad one is a 422 problem naming it."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

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
