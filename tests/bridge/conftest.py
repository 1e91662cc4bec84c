"""Fixtures for the bridge's own tests: the Openness bridge over the C# stand-in, under Mono.

Without Mono/pythonnet these tests skip with the reason printed (``-ra``); with ``CI=true`` they fail
instead, so CI cannot pass while silently not testing the bridge.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openness_bridge.standin import missing_prerequisites
from tests.lib.outcomes import skip_or_fail


def require_standin() -> None:
    """Skip (or, in CI, fail) when the stand-in cannot be built and loaded here."""
    missing = missing_prerequisites()
    if not missing:
        return
    reason = "bridge tests need Mono and pythonnet; missing: " + "; ".join(missing)
    skip_or_fail(reason, "the bridge tests")


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[Any]:
    """A fresh OpennessBackend over the stand-in, adopted by the calling thread."""
    require_standin()
    from openness_bridge.standin import standin_backend

    # its files under pytest's tmp_path, which pytest prunes (a mkdtemp per test was never removed)
    state = tmp_path / "bridge-state"
    state.mkdir()
    backend = standin_backend(state)
    backend.on_worker_thread_started()
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def machine(bridge: Any) -> Any:
    """``StandIn.Control.Machine``: simulated TIA processes (start, kill, open/close a project in the UI)."""
    from StandIn.Control import Machine

    return Machine


@pytest.fixture
def faults(bridge: Any) -> Any:
    """``StandIn.Control.Faults``: make the next call of an Openness member throw."""
    from StandIn.Control import Faults

    return Faults


@pytest.fixture
def plc(bridge: Any, tmp_path: Any) -> Any:
    """The bridge with a launched portal, the project ``Line1`` and the CPU ``PLC_1``."""
    from tests.contract.conftest import CPU

    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "Line1", author="", comment="")
    bridge.devices.add_device(CPU, None, "PLC_1")
    return bridge


@pytest.fixture
def online_plc(bridge: Any, tmp_path: Path) -> Any:
    """A project with simulation support, PLC_1 at 192.168.0.1 and the powered-on instance Sim_A at that address."""
    from tests.bridge.online_session import simulate_plc_1
    from tests.contract.conftest import CPU

    bridge.launch_portal(with_ui=False, version="V19")
    bridge.create_project(tmp_path, "Line", author="", comment="")
    bridge.devices.add_device(CPU, None, "PLC_1")
    simulate_plc_1(bridge)
    return bridge
