"""The split is exact: what the bridge's modules define plus the pending stand-ins are the port, nothing else."""

from __future__ import annotations

import inspect

import pytest

from engineering_api.backend.errors import NotSupportedError
from engineering_api.backend.port import EngineeringBackend
from openness_bridge.backend import OpennessBackend

PendingMethods = OpennessBackend.__mro__[1]
ALL_PENDING = PendingMethods.NAMES
IMPLEMENTED = set(EngineeringBackend.__abstractmethods__) - set(ALL_PENDING)


def test_implemented_and_pending_cover_the_port_exactly() -> None:
    port = set(EngineeringBackend.__abstractmethods__)
    assert IMPLEMENTED | set(ALL_PENDING) == port
    assert not IMPLEMENTED & set(ALL_PENDING)
    assert not OpennessBackend.__abstractmethods__
    for name in IMPLEMENTED:
        owner = next(c for c in OpennessBackend.__mro__ if name in c.__dict__)
        assert owner not in (PendingMethods, EngineeringBackend), f"{name} must be implemented by the bridge"
        assert owner.__module__.startswith("openness_bridge."), owner
        assert name not in PendingMethods.__dict__


@pytest.mark.parametrize("name", ALL_PENDING)
def test_pending_methods_say_which_method_is_missing(name: str) -> None:
    backend = OpennessBackend.__new__(OpennessBackend)
    params = inspect.signature(getattr(EngineeringBackend, name)).parameters
    args = [None] * sum(1 for p in params.values() if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self")
    with pytest.raises(NotSupportedError) as info:
        getattr(backend, name)(*args)
    assert info.value.code == "BRIDGE_NOT_YET_IMPLEMENTED"
    assert f"'{name}'" in info.value.message and info.value.details == {"method": name}
