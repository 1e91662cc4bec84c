"""The parameter markers of every operation's routes (:mod:`engineering_api.web.route_shape`) hash as Litestar's
own markers do: the start computes that hash from the markers' field names instead of Litestar's deep copy
(issue 71), so a Litestar whose hash reads more than the names fails here, not in a changed route or document."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import msgspec
from litestar.params import KwargDefinition

from engineering_api.app import registry
from engineering_api.web.route_shape import RouteShape, struct_field_infos, unconstrained


def _markers() -> list[Any]:
    found = []
    for operation in registry():
        for spec, is_async in operation.routes():
            for _, annotation, _ in RouteShape.of(operation, spec, is_async).parameters():
                found += [m for m in typing.get_args(annotation)[1:] if isinstance(m, KwargDefinition)]
    return found


def test_every_route_marker_hashes_as_litestar_hashes_it() -> None:
    markers = _markers()
    kinds = {type(m).__name__ for m in markers}
    assert len(markers) > 400 and {"_Query", "_Header", "_Path", "_Body"} <= kinds, kinds
    for marker in markers:
        litestar_class: Any = next(c for c in type(marker).__mro__ if c.__module__ == "litestar.params")
        litestars = litestar_class(**{f.name: getattr(marker, f.name) for f in dataclasses.fields(marker)})
        assert hash(marker) == hash(litestars), marker


def test_markers_with_other_fields_stay_apart() -> None:
    """One hash per class: equality (Litestar's, by field) is what tells two markers apart in a set or a cache."""
    markers = _markers()
    assert len(set(markers)) == len({(type(m), repr(m)) for m in markers}) > 100


def test_every_input_field_is_typed_as_typing_types_it() -> None:
    """A route reads its input Struct's annotations once, as msgspec's fields' types (with their extras), and strips
    the extras itself (``route_shape._without_extras``): each field's type is still what ``typing.get_type_hints``
    gives without extras, and its bounds those of the type with them, for every field of every operation's routes."""
    checked = 0
    for operation in registry():
        if operation.input is None:
            continue
        expected = typing.get_type_hints(operation.input)
        constrained = typing.get_type_hints(operation.input, include_extras=True)
        for spec, is_async in operation.routes():
            shape = RouteShape.of(operation, spec, is_async)
            for field in (*shape.path_fields, *shape.query_fields, *shape.body_fields):
                assert field.hint == expected[field.info.name], (operation.name, field.wire)
                bounds = unconstrained(constrained[field.info.name])[1]
                assert dict(field.bounds) == bounds, (operation.name, field.wire)
                checked += 1
    assert checked > 1000, checked


def test_every_input_struct_s_fields_are_msgspec_s() -> None:
    """An input Struct's fields, its annotations evaluated once per class and text (``route_shape.struct_field_infos``),
    are the ones msgspec gives: names, wire names, types with their extras, defaults and default factories."""
    inputs = {operation.input for operation in registry() if operation.input is not None}
    factories = 0
    for struct in inputs:
        ours, msgspecs = struct_field_infos(struct), msgspec.structs.fields(struct)
        assert ours == msgspecs, struct
        assert [type(f.type) for f in ours] == [type(f.type) for f in msgspecs], struct
        factories += sum(f.default_factory is not msgspec.NODEFAULT for f in ours)
    assert len(inputs) > 150 and factories > 0, (len(inputs), factories)
