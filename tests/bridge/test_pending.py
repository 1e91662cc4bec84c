"""The split is exact: what the bridge's modules define plus the pending stand-ins are the port, nothing else."""

from __future__ import annotations

import inspect

import pytest

from engineering_api.backend.errors import NotSupportedError
from engineering_api.backend.port import AREAS, EngineeringBackend
from openness_bridge.backend import OpennessBackend
from openness_bridge.pending import pending_methods, port_methods
from tests.lib.outcomes import raises_code

PendingMethods = OpennessBackend.__mro__[1]


def test_every_port_method_is_implemented_by_a_bridge_module() -> None:
    assert vars(PendingMethods)["NAMES"] == ()
    assert not OpennessBackend.__abstractmethods__
    for name in port_methods():
        owner = next(c for c in OpennessBackend.__mro__ if name in c.__dict__)
        assert owner not in (PendingMethods, EngineeringBackend), f"{name} must be implemented by the bridge"
        assert owner.__module__.startswith("openness_bridge."), owner


def test_every_held_area_is_a_whole_object_of_the_bridge(bridge: object) -> None:
    for area, port in AREAS.items():
        held = type(getattr(bridge, area))
        assert issubclass(held, port) and not held.__abstractmethods__, area
        assert held.__module__.startswith("openness_bridge."), held


class _Nothing:
    __module__ = "openness_bridge.example"


@pytest.mark.parametrize("name", sorted(port_methods())[::9])
def test_a_pending_method_says_which_method_is_missing(name: str) -> None:
    pending = pending_methods(_Nothing)
    assert set(vars(pending)["NAMES"]) == port_methods()
    params = inspect.signature(getattr(EngineeringBackend, name)).parameters
    args = [None] * sum(1 for p in params.values() if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self")
    err = raises_code(NotSupportedError, "BRIDGE_NOT_YET_IMPLEMENTED", getattr(pending(), name), *args)
    assert f"'{name}'" in err.message and err.details == {"method": name}
