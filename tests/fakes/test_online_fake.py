"""The fake's online internals the port does not show: the online CPU handed to watch/force tables
(``online.online_cpu``), and downloads into the stub program image (``use_stub_engine``) the API tests rely on.

The rules every adapter keeps are in ``tests/contract/test_online_contract.py``; these checks are here so the
contract module uses the port only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import ConflictError
from fakes.backend import FakeBackend
from fakes.runtime.cpu import OperatingState
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU
from tests.contract.stub_engine import (
    SCL,
    StubImage,
    load_scl,
    make_instance,
    use_stub_engine,
)


@pytest.fixture
def plc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The fake with a project, a CPU PLC_1 at 192.168.0.1 and the stub engine."""
    backend = FakeBackend(tmp_path / "state")
    backend.on_worker_thread_started()
    backend.launch_portal(with_ui=False, version="V19")
    backend.create_project(tmp_path / "workspace", "Line", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.devices.configure_network("PLC_1", ip_address="192.168.0.1", subnet_mask="255.255.255.0", interface=None,
                              subnet=None, router_address=None)
    backend.set_simulation_support(True)
    use_stub_engine(backend.plcsim, monkeypatch)
    try:
        yield backend
    finally:
        backend.close()


def test_the_online_cpu_serves_live_values_only_while_online(plc: Any) -> None:
    cpu = make_instance(plc.plcsim, "Sim_A", "192.168.0.1")
    raises_code(ConflictError, "DEVICE_OFFLINE", plc.online.online_cpu, "PLC_1")
    plc.online.go_online("PLC_1")
    assert plc.online.online_cpu("PLC_1") is cpu
    plc.online.go_offline("PLC_1")
    with pytest.raises(ConflictError):
        plc.online.online_cpu("PLC_1")


def test_instances_start_with_the_stub_image(plc: Any) -> None:
    cpu = make_instance(plc.plcsim, "Sim_A", "192.168.0.1")
    assert isinstance(cpu.image, StubImage) and cpu.image.digests == {}


def test_a_stub_download_keeps_unchanged_data_blocks_in_memory(plc: Any) -> None:
    load_scl(plc, SCL)
    cpu = make_instance(plc.plcsim, "Sim_A", "192.168.0.1")
    first = plc.online.download("PLC_1")
    assert first.reinitialised_data_blocks == ["Data"] and cpu.device == "PLC_1"
    assert first.warnings == ["stub engine: nothing runs"]
    assert cpu.memory is not None
    cpu.memory.dbs["data"]["value"] = 7
    again = plc.online.download("PLC_1")
    assert again.reinitialised_data_blocks == [] and cpu.memory.dbs["data"]["value"] == 7
    assert set(cpu.image.digests) == {"Data", "Main"}


def test_a_refused_stop_or_download_leaves_the_cpu_in_run(plc: Any) -> None:
    cpu = make_instance(plc.plcsim, "Sim_A", "192.168.0.1")
    plc.online.start_cpu("PLC_1")
    for call in (lambda: plc.online.stop_cpu("PLC_1"), lambda: plc.online.download("PLC_1")):
        with pytest.raises(ConflictError):
            call()
        assert cpu.state == OperatingState.RUN
    plc.online.download("PLC_1", stop_cpu=True)
    assert cpu.state == OperatingState.STOP
