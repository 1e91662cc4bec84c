"""A route's file-transfer plan (:class:`engineering_api.jobs.transfer.TransferPlan`) is built from the input
fields its route shape already read (``route_shape._struct_fields``, once per input Struct): building every
route's shape evaluates no type hints again, and each plan is the one the input's own fields and hints give."""

from __future__ import annotations

import typing
from typing import Any

import msgspec
import pytest

from engineering_api.app import registry
from engineering_api.web.route_shape import RouteShape
from engineering_api.jobs.transfer import TransferPlan


def _shapes() -> list[RouteShape]:
    return [RouteShape.of(operation, spec, is_async) for operation in registry()
            for spec, is_async in operation.routes()]


def test_building_the_plans_reads_no_type_hints_again(monkeypatch: pytest.MonkeyPatch) -> None:
    _shapes()  # every input's fields read once, as at the app's start
    reads: list[Any] = []
    original = typing.get_type_hints

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(typing, "get_type_hints", counted)
    shapes = _shapes()
    assert sum(1 for shape in shapes if shape.plan.inline or shape.plan.exports) > 50  # the routes with files
    assert reads == []  # before: one read of the input's hints per route with files


def test_each_plan_is_the_one_the_inputs_own_fields_give() -> None:
    for shape in _shapes():
        operation = shape.operation
        if operation.input is None:
            continue
        hints = typing.get_type_hints(operation.input)
        own = [(info.encode_name, info, hints[info.name], ()) for info in msgspec.structs.fields(operation.input)]
        expected = TransferPlan.of(operation, own, is_async=shape.is_async, has_body=shape.body_type is not None)
        assert shape.plan == expected, operation.name
