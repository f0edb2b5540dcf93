"""The OpenAPI document states what the request models enforce.

Litestar builds each pydantic model's schema from the fields itself and leaves out two rules
pydantic enforces: `extra="forbid"` (so a client believes unknown members are accepted) and
string patterns given with `Field(pattern=...)` (an e-mail address, a translation pair). A
client generated from the document, or a fuzzer, then sends bodies the gateway refuses.
This adds them back, from pydantic's own JSON schema of each model, as Litestar builds it.
"""

from __future__ import annotations

from typing import Any

from litestar._openapi.schema_generation import SchemaCreator
from litestar.openapi.spec import OpenAPIType, Reference, Schema
from litestar.plugins.pydantic import PydanticSchemaPlugin
from litestar.typing import FieldDefinition
from pydantic import BaseModel, PydanticUserError

_COPIED = {"pattern": "pattern", "format": "format", "minimum": "minimum",
           "maximum": "maximum", "exclusiveMinimum": "exclusive_minimum",
           "exclusiveMaximum": "exclusive_maximum", "minLength": "min_length",
           "maxLength": "max_length", "minItems": "min_items", "maxItems": "max_items"}
"""Keywords taken from pydantic's schema of a field when Litestar's lacks them (for a
nullable field Litestar states bounds beside `oneOf`, where they apply to no variant)."""


class ModelRulesSchemaPlugin(PydanticSchemaPlugin):
    """Litestar's schema plugin for pydantic models, with the rules it leaves out stated."""

    @classmethod
    def for_pydantic_model(cls, field_definition: FieldDefinition,
                           schema_creator: SchemaCreator) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        model = field_definition.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            _state_rules(schema, model)
        return schema


def _state_rules(schema: Schema, model: type[BaseModel]) -> None:
    if model.model_config.get("extra") == "forbid":
        schema.additional_properties = False
    try:
        stated = model.model_json_schema(mode="validation").get("properties", {})
    except PydanticUserError:  # a model pydantic cannot describe keeps Litestar's schema
        return
    for name, prop in (schema.properties or {}).items():
        if name in stated and isinstance(prop, Schema):
            _copy_rules(prop, stated[name])


def _copy_rules(target: Schema, source: dict[str, Any]) -> None:
    """The rules of `source` onto `target`, into nullable wrappers and array items; the
    allowed keys of a mapping (`propertyNames`) too."""
    variants = source.get("anyOf") or source.get("oneOf") or [source]
    for variant in variants:
        if variant.get("type") == "null":
            continue
        for option in (target.one_of or target.any_of or [target]):
            if isinstance(option, Reference) or option.type != _type_of(variant):
                continue
            for key, attribute in _COPIED.items():
                if key in variant and getattr(option, attribute) is None:
                    setattr(option, attribute, variant[key])
            names = variant.get("propertyNames")
            if isinstance(names, dict) and option.property_names is None and "enum" in names:
                option.property_names = Schema(type=OpenAPIType.STRING, enum=names["enum"])
            if isinstance(option.items, Schema) and isinstance(variant.get("items"), dict):
                _copy_rules(option.items, variant["items"])


def _type_of(variant: dict[str, Any]) -> OpenAPIType | None:
    kind = variant.get("type")
    return OpenAPIType(kind) if isinstance(kind, str) else None
