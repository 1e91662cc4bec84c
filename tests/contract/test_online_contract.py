"""The online port: binding a device to a simulated CPU, online sessions and their end, the CPU's state,
and download/upload/compare, on every adapter.

A small stand-in program image (:class:`StubImage`) keeps these rules apart from the PLC engine; the
API tests import it too. ``stub_build`` turns a ``PlcSoftware`` into one: every object is loaded, and
its digest is its SimaticML's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.backend.errors import ConflictError, NotFoundError
from engineering_api.backend.models import ProgramDocument
from fakes import online_ops
from fakes.runtime.cpu import IpSuite, OperatingMode, OperatingState
from tests.contract.conftest import CPU
from tests.runtime.helpers import software_from_scl

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from fakes.runtime.cpu import SimulatedCpu
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("SCL", "StubImage", "StubOb", "load_scl", "make_instance", "stub_build", "use_stub_engine")

SCL = """DATA_BLOCK "Data"
{ S7_Optimized_Access := 'TRUE' }
   VAR
      count : Int;
   END_VAR
BEGIN
END_DATA_BLOCK

ORGANIZATION_BLOCK "Main"
BEGIN
    "Data".count := "Data".count + 1;
END_ORGANIZATION_BLOCK
"""


@dataclass
class StubOb:
    name: str
    number: int
    kind: str
    period_ms: float = 0
    phase_ms: float = 0


class StubMemory:
    def __init__(self, dbs: list[str]) -> None:
        self.inputs, self.outputs, self.markers = bytearray(16), bytearray(16), bytearray(16)
        self.dbs: dict[str, dict[str, Any]] = {name.lower(): {"value": 0} for name in dbs}

    def retentive_snapshot(self) -> Any:
        return None

    def restore_retentive(self, snapshot: Any) -> None:
        return None


class StubImage:
    """A stand-in for ``ProgramImage``: OBs run Python functions of (memory, rt)."""

    def __init__(self, objects: dict[str, bytes] | None = None, *, dbs: list[str] | None = None,
                 obs: list[StubOb] | None = None, code: dict[str, Any] | None = None,
                 warnings: list[str] | None = None) -> None:
        self.objects = dict(objects or {})
        self.digests = {name: hashlib.sha256(xml).hexdigest()[:16] for name, xml in self.objects.items()}
        self.dbs = dbs or []
        self.obs = obs or []
        self.code = code or {}
        self.warnings = warnings or []

    def new_memory(self) -> StubMemory:
        return StubMemory(self.dbs)

    def run_ob(self, entry: StubOb, mem: StubMemory, rt: Any) -> None:
        self.code.get(entry.name, lambda _m, _r: None)(mem, rt)

    def resolve(self, mem: StubMemory, name: str) -> Any:
        raise LookupError(name)


def stub_build(software: Any, device: str, run: Any = None) -> StubImage:
    """What ``build_image`` would load, minus the code: every object, DBs with memory (``run`` is ignored)."""
    objects = {obj.name: obj.xml for obj in software.all()}
    dbs = [obj.name for obj in software.all() if obj.kind in ("GlobalDB", "InstanceDB")]
    obs = [StubOb(obj.name, obj.number or 1, "ProgramCycle") for obj in software.all() if obj.kind == "OB"]
    return StubImage(objects, dbs=dbs, obs=obs, warnings=["stub engine: nothing runs"])


def use_stub_engine(simulation: SimulationRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Instances start empty with a stub image, and downloads build stub images."""
    monkeypatch.setattr(online_ops, "_build_image", stub_build)
    monkeypatch.setattr(simulation, "_empty_image", StubImage)


def make_instance(simulation: SimulationRuntime, name: str, ip: str | None = None, *, on: bool = True) -> SimulatedCpu:
    """An instance in SingleStep mode (no background thread), with an IP address if given, powered on."""
    cpu = simulation.create(name, "CPU1516")
    cpu.set_mode(OperatingMode.SINGLE_STEP)
    if ip is not None:
        simulation.set_network(name, [IpSuite("IE1", ip)])
    if on:
        cpu.power_on()
    return cpu


def load_scl(backend: Any, text: str, device: str = "PLC_1") -> None:
    """Import the blocks of an SCL source into a PLC, as "generate blocks from source" does."""
    software = software_from_scl(text)
    documents = [ProgramDocument(source=obj.name, data=obj.xml) for obj in software.all()]
    backend.import_program_documents(device, documents, overwrite=True)


# ----- contract tests -------------------------------------------------------------------------------
@pytest.fixture
def plc(backend: EngineeringBackend, root: Path, monkeypatch: pytest.MonkeyPatch) -> EngineeringBackend:
    """A portal, a project with simulation support, a CPU PLC_1 at 192.168.0.1, the stub engine."""
    backend.launch_portal(with_ui=False, version="V19")
    backend.create_project(root, "Line", author="", comment="")
    backend.add_device(CPU, None, "PLC_1")
    backend.configure_network("PLC_1", ip_address="192.168.0.1", subnet_mask="255.255.255.0", interface=None,
                              subnet=None, router_address=None)
    backend.set_simulation_support(True)
    use_stub_engine(backend.simulation, monkeypatch)  # type: ignore[attr-defined]
    return backend


def test_online_session_binds_by_ip_and_serves_live_values(plc: Any) -> None:
    cpu = make_instance(plc.simulation, "Sim_A", "192.168.0.1")
    make_instance(plc.simulation, "Sim_B")
    with pytest.raises(ConflictError) as offline:
        plc._online_cpu("PLC_1")
    assert offline.value.code == "DEVICE_OFFLINE"
    status = plc.go_online("PLC_1")
    assert (status.online, status.instance_name, status.operating_state) == (True, "Sim_A", "Stop")
    assert plc._online_cpu("PLC_1") is cpu
    assert plc.go_online("PLC_1").instance_name == "Sim_A"  # idempotent
    with pytest.raises(ConflictError) as other:
        plc.go_online("PLC_1", instance_name="Sim_B")
    assert other.value.code == "ONLINE_WITH_OTHER_INSTANCE"
    assert plc.go_offline("PLC_1").online is False
    assert plc.go_offline("PLC_1").online is False


def test_a_rolled_back_change_keeps_the_session_closing_the_project_ends_it(plc: Any, root: Path) -> None:
    make_instance(plc.simulation, "Sim_A", "192.168.0.1")
    plc.go_online("PLC_1")
    with pytest.raises(Exception):  # noqa: B017 - any refused change rolls the project back
        plc.add_device(CPU, None, "PLC_1")
    assert plc.online_status("PLC_1").online is True
    plc.rename_device("PLC_1", "PLC_2")
    assert plc.online_status("PLC_2").online is True
    path = Path(plc.save_project().path)
    plc.close_project()
    plc.open_project(path)
    assert plc.online_status("PLC_2").online is False


def test_deleting_the_device_or_powering_off_ends_the_session(plc: Any) -> None:
    cpu = make_instance(plc.simulation, "Sim_A", "192.168.0.1")
    plc.go_online("PLC_1")
    cpu.power_off()
    assert plc.online_status("PLC_1").online is False
    cpu.power_on()
    plc.go_online("PLC_1")
    plc.delete_device("PLC_1")
    plc.add_device(CPU, None, "PLC_1")
    assert plc.online_status("PLC_1").online is False
    with pytest.raises(NotFoundError):
        plc.online_status("PLC_9")


def test_download_reports_progress_and_keeps_unchanged_data_blocks(plc: Any) -> None:
    load_scl(plc, SCL)
    cpu = make_instance(plc.simulation, "Sim_A", "192.168.0.1")
    steps: list[int] = []
    first = plc.download("PLC_1", progress=lambda percent, _text: steps.append(percent))
    assert steps == [10, 40, 70, 100]
    assert first.reinitialised_data_blocks == ["Data"] and cpu.device == "PLC_1"
    cpu.memory.dbs["data"]["value"] = 7
    again = plc.download("PLC_1")
    assert again.reinitialised_data_blocks == [] and cpu.memory.dbs["data"]["value"] == 7
    assert plc.compare_online("PLC_1").identical is True


def test_stop_and_download_refuse_a_running_cpu_without_confirmation(plc: Any) -> None:
    cpu = make_instance(plc.simulation, "Sim_A", "192.168.0.1")
    plc.start_cpu("PLC_1")
    for call in (lambda: plc.stop_cpu("PLC_1"), lambda: plc.download("PLC_1")):
        with pytest.raises(ConflictError) as refused:
            call()
        assert refused.value.code in ("STOP_NOT_CONFIRMED", "CPU_IN_RUN")
        assert cpu.state == OperatingState.RUN
    result = plc.download("PLC_1", stop_cpu=True)
    assert (result.stopped_cpu, result.started_cpu, result.operating_state) == (True, False, "Stop")
