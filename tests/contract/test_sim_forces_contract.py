"""``clear_forces``: every adapter either removes the forces it holds or says it cannot see any.

A PLC unit test starts from a clean state: it removes forces (a memory reset keeps them, as on an S7-1500) only
when the instance state lists some, so an adapter that cannot see forces (PLCSIM Advanced's API has none) must
report none and refuse the call with ``NO_OPENNESS_EQUIVALENT``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from engineering_api.backend.errors import ConflictError, NotSupportedError

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend


def test_clear_forces_leaves_none_or_says_forces_are_invisible(backend: EngineeringBackend,
                                                               powered_instance: str) -> None:
    try:
        removed = backend.simulation.clear_forces(powered_instance)
    except NotSupportedError as exc:
        assert exc.code == "NO_OPENNESS_EQUIVALENT" and "force" in exc.message
    else:
        assert removed == []
    assert backend.simulation.instance_state(powered_instance).forces == {}


def test_a_memory_reset_keeps_forces_and_clear_forces_removes_them(backend: EngineeringBackend,
                                                                   powered_instance: str) -> None:
    cpu = getattr(getattr(backend, "plcsim", None), "get", None)
    if cpu is None or not hasattr(cpu(powered_instance), "force"):
        pytest.skip("this adapter cannot set forces (no Openness or PLCSIM Advanced member does)")
    cpu(powered_instance).force("%Q0.1", True)  # as start-forcing a force table does
    backend.simulation.memory_reset(powered_instance, confirm=True)
    assert backend.simulation.instance_state(powered_instance).forces == {"%Q0.1": True}
    assert backend.simulation.clear_forces(powered_instance) == ["%Q0.1"]
    assert backend.simulation.instance_state(powered_instance).forces == {}
    assert backend.simulation.clear_forces(powered_instance) == []


def test_a_powered_off_instance_is_refused(backend: EngineeringBackend) -> None:
    backend.simulation.create_instance("G", "CPU1516", "SingleStep")
    with pytest.raises((ConflictError, NotSupportedError)):
        backend.simulation.clear_forces("G")
