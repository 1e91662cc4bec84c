"""Litestar's OpenAPI schemas of Structs with each property described from its field's documentation.

:class:`DocumentedStructSchemas` subclasses Litestar's internal ``StructSchemaPlugin``
(``litestar._openapi.schema_generation.plugins.struct``): the descriptions are those of
:func:`engineering_api.lib.field_docs.field_docs`, without markup (:func:`~engineering_api.lib.field_docs.plain`),
as the MCP tools' schemas have them. It also resolves the field types of a Struct that only names a parametrized
generic base (``class X(Envelope[T]): ...``), which Litestar leaves unresolved.
"""

from __future__ import annotations

import typing
from typing import Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin

from engineering_api.lib.field_docs import field_docs, plain

if typing.TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition

__all__ = ("DocumentedStructSchemas",)


class DocumentedStructSchemas(StructSchemaPlugin):
    """Litestar's OpenAPI schemas of Structs, each property described from its field's documentation (as the MCP
    tools' schemas are), so that REST's OpenAPI document says the same words."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        named = _parametrized_base(field_definition.type_)
        if named is None:
            schema = super().to_openapi_schema(field_definition, schema_creator)
        else:  # ``class X(Envelope[T]): ...``: Litestar leaves ``T`` unresolved in a subclass; read it off the base
            schema = _named_generic_schema(field_definition, named, schema_creator)
        docs = field_docs(field_definition.type_)
        for name, prop in (schema.properties or {}).items():
            if docs.get(name) and not getattr(prop, "description", None):
                prop.description = docs[name]
            elif description := getattr(prop, "description", None):
                prop.description = plain(description)
        return schema


def _named_generic_schema(field_definition: FieldDefinition, named: Any, schema_creator: SchemaCreator) -> Schema:
    """The component of ``field_definition`` (its own name) with the field types of its parametrized base."""
    from litestar.typing import FieldDefinition

    hints = FieldDefinition.from_annotation(named).get_type_hints(include_extras=True, resolve_generics=True)
    info = msgspec.inspect.type_info(field_definition.type_)
    assert isinstance(info, msgspec.inspect.StructType)  # the plugin is asked only about Structs
    return schema_creator.create_component_schema(
        field_definition,
        required=sorted(f.encode_name for f in info.fields if f.required),
        property_fields={f.encode_name: FieldDefinition.from_annotation(hints[f.name], name=f.encode_name)
                         for f in info.fields},
    )


def _parametrized_base(struct: Any) -> Any:
    """The parametrized generic Struct a Struct only names (``class X(Envelope[T]): ...``, no fields of its own),
    or None."""
    for base in getattr(struct, "__orig_bases__", ()):
        origin = typing.get_origin(base)
        if isinstance(origin, type) and issubclass(origin, msgspec.Struct) \
                and set(struct.__struct_fields__) == set(origin.__struct_fields__):
            return base
    return None
