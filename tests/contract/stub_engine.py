"""A stub runtime engine for the online contract tests: its image, memory and OB, and a loaded instance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from engineering_api.backend.areas.simulation_models import SimIpSuite
from engineering_api.backend.models import ProgramDocument
from fakes import online_ops
from fakes.runtime.cpu import IpSuite, OperatingMode
from tests.contract.played import played
from tools.plc_software import software_from_scl

if TYPE_CHECKING:
    from engineering_api.backend.port import EngineeringBackend
    from fakes.runtime.cpu import SimulatedCpu
    from fakes.runtime.manager import SimulationRuntime

__all__ = ("SCL", "StubImage", "StubMemory", "StubOb", "instance", "load_scl", "make_instance", "stub_build",
           "use_stub_engine")

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
        self.max_cycle_ms = 150.0  # the default maximum cycle time (fakes.runtime.rtlib)

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
    """Import the blocks of an SCL source into a PLC, as "generate blocks from source" does, as documents of the
    TIA version the adapter plays."""
    software = software_from_scl(text, version=played(backend).version)
    documents = [ProgramDocument(source=obj.name, data=obj.xml) for obj in software.all()]
    backend.program.import_program_documents(device, documents, overwrite=True)


def instance(backend: EngineeringBackend, name: str, ip: str | None = None, *, on: bool = True) -> None:
    """A registered instance in SingleStep mode (nothing runs between calls), with an IP address if given."""
    backend.simulation.create_instance(name, operating_mode="SingleStep")
    if ip is not None:
        backend.simulation.set_instance_network(name, [SimIpSuite(ip_address=ip)])
    if on:
        backend.simulation.power_on(name)
