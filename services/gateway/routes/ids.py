"""The shape of an id in a route's path, stated once: the OpenAPI document says it, and a path
that breaks it is a 400 naming the parameter before any request model is built (a model
refusing it inside the route would otherwise be a 500)."""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,100}$"
"""What every service's ids look like (shared.ids), with room for imported ones."""


def path_id(description: str) -> object:
    """`Annotated[str, path_id("A job's id.")]`: an id parameter of the path."""
    return PathParameter(pattern=ID_PATTERN, description=description)


JobId = Annotated[str, path_id("A translation job's id.")]
DocumentId = Annotated[str, path_id("A document's id.")]
FileId = Annotated[str, path_id("A file's id.")]
