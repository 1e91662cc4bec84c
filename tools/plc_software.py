"""Test helpers for the simulated PLC: build a real ``PlcSoftware`` from SCL source text.

    from tools.plc_software import software_from_scl

    sw = software_from_scl('''
        FUNCTION_BLOCK "FB_Count"
        VAR_INPUT step : Int; END_VAR
        VAR n : Int := 5; END_VAR
        BEGIN
          #n := #n + #step;
        END_FUNCTION_BLOCK
        DATA_BLOCK "Count_DB" "FB_Count" BEGIN END_DATA_BLOCK
        ORGANIZATION_BLOCK "Main"
        BEGIN
          "Count_DB"(step := 2);
        END_ORGANIZATION_BLOCK
    ''', tags=[{"name": "Start", "address": "%I0.0", "dataType": "Bool"}])

It goes the way an external source goes through the service: the SCL text is parsed
(``simatic_xml.scl.parse``), turned into block specs (``source_to_specs``), generated into V19
SimaticML (``generate_xml``; an instance DB receives its FB's interface) and read back as program
objects (``read_object``), so the result is what the fake backend holds after "generate blocks from
source". ``tags`` (optional) become the "Default tag table": dicts with ``name``, ``address``
(``%I0.0``, ``%MW10``...) and ``dataType``.

Organization blocks are Program cycle OBs unless ``ob_types`` says otherwise:
``ob_types={"Cyclic_100ms": ("CyclicInterrupt", 35, 100000)}`` gives (secondary type, number, cyclic
time in µs or None), ``("Startup", 100, None)`` a startup OB.

Limits of the generator (not of the engine): absolute operands (``%MW10``) cannot be written in SCL
networks (declare tags instead), and instance types are the generator's (``TON_TIME``, ``R_TRIG``,
``CTU_INT``...; not ``IEC_TIMER``).

``Sim`` runs an image without the CPU: ``sim = Sim(text, tags)``, ``sim.scan()`` calls every
ProgramCycle OB once (advancing virtual time by ``dt_ms``), ``sim['"DB".x']`` reads, and
``sim['"DB".x'] = 5`` writes through ``image.resolve``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.program import PlcSoftware, read_object
from fakes.runtime.rtlib import LOOP_LIMIT
from simatic_xml.generate import generate_xml, parse_spec, tag_table_xml
from simatic_xml.generate.from_scl import source_to_specs
from simatic_xml.scl import parse as parse_scl

__all__ = ("VERSION", "Rt", "Sim", "software_from_scl", "software_of_export")

VERSION = "V19"


def software_from_scl(
    text: str,
    tags: list[dict[str, Any]] | None = None,
    *,
    ob_types: dict[str, tuple[str, int, int | None]] | None = None,
    version: str = VERSION,
) -> PlcSoftware:
    """A ``PlcSoftware`` holding every block/UDT of ``text`` (and a tag table when ``tags`` is given).

    Args:
        text: SCL source with FUNCTION_BLOCK / FUNCTION / ORGANIZATION_BLOCK / DATA_BLOCK / TYPE blocks,
            in any order (UDTs and FBs are generated before the blocks using them).
        tags: PLC tags for the "Default tag table": ``{"name", "address", "dataType"}`` each.
        ob_types: OB name -> (SecondaryType, number, CyclicTime in µs or None) for OBs other than
            Program cycle OB1 (``ORGANIZATION_BLOCK`` blocks default to ProgramCycle).
        version: the TIA Portal version the documents are exported by (and the project's).

    Raises:
        simatic_xml.scl.SclSyntaxError, simatic_xml.SimaticMLError: text the service would refuse too.
    """
    specs = source_to_specs(parse_scl(text), text)
    for spec in specs:
        extra = (ob_types or {}).get(spec["name"])
        if spec["blockType"] == "OB" and extra is not None:
            secondary, number, cyclic = extra
            spec["secondaryType"] = secondary
            spec["number"] = number
            if cyclic is not None:
                spec["cyclicTime"] = cyclic
    parsed = {s["name"]: parse_spec(s) for s in specs}
    software = PlcSoftware()
    if tags:
        software.add(read_object(tag_table_xml("Default tag table", tags, version), project_version=version),
                     overwrite=False)
    rank = {"UDT": 0, "FB": 1, "FC": 2, "GlobalDB": 3, "InstanceDB": 3, "OB": 4}
    for spec in sorted(specs, key=lambda s: rank.get(s["blockType"], 5)):
        instance_of = spec.get("instanceOf")
        types = (
            {instance_of: _interface_only(parsed[instance_of])}
            if isinstance(instance_of, str) and instance_of in parsed
            else None
        )
        data = generate_xml(parsed[spec["name"]], version, types=types)
        software.add(read_object(data, project_version=version), overwrite=False)
    return software


def software_of_export(path: Path, project_version: str) -> PlcSoftware:
    """A PLC program holding one SimaticML export (a corpus file), read as a project of ``project_version``."""
    software = PlcSoftware()
    software.add(read_object(path.read_bytes(), project_version=project_version), overwrite=False)
    return software


def _interface_only(block: Any) -> Any:
    """The FB's spec as an instance DB's source of members (its networks do not matter)."""
    return block


class Rt:
    """The runtime context the CPU hands to every call (README "Runtime context")."""

    __slots__ = ("clock_base_ns", "cycle", "eno", "first_scan", "instances", "local_offset_ns", "memory", "now_ns",
                 "pass_limit")

    def __init__(self, memory: Any) -> None:
        self.memory = memory
        self.now_ns = 0
        self.clock_base_ns = 0  # the clock at virtual time 0: DTL#1970-01-01-00:00:00 (fakes.runtime.stdlib_clock)
        self.local_offset_ns = 0
        self.first_scan = True
        self.cycle = 0
        self.eno = True  # the ENO a user block reports to its caller (fakes.runtime.codegen)
        self.instances: list[str | None] = []  # the FB instances running (fakes.runtime.stdlib_instances)
        self.pass_limit = LOOP_LIMIT  # a loop's passes within the default maximum cycle time (fakes.runtime.rtlib)

    def time_error(self, block: str) -> bool:
        """No cycle-time supervision by hand: the first overrun stops the scan (``cycle-time-exceeded``)."""
        return False


class Sim:
    """An image and a memory, scanned by hand (no CPU, no threads): for engine tests."""

    def __init__(self, text: str, tags: list[dict[str, Any]] | None = None, **kw: Any) -> None:
        from fakes.runtime.image import build_image

        self.software = software_from_scl(text, tags, **kw)
        self.image = build_image(self.software, "PLC_1")
        self.mem = self.image.new_memory()
        self.rt = Rt(self.mem)

    @classmethod
    def from_software(cls, software: PlcSoftware, image: Any = None) -> Sim:
        """A simulation of ready-made software (or of an already built ``image`` of it), with a fresh memory."""
        from fakes.runtime.image import build_image

        sim = cls.__new__(cls)
        sim.software = software
        sim.image = image if image is not None else build_image(software, "PLC_1")
        sim.mem = sim.image.new_memory()
        sim.rt = Rt(sim.mem)
        return sim

    def scan(self, count: int = 1, dt_ms: float = 10) -> None:
        """Run every ProgramCycle OB ``count`` times, ``dt_ms`` of virtual time apart."""
        obs = [ob for ob in self.image.obs if ob.kind == "ProgramCycle"]
        for _ in range(count):
            self.rt.now_ns += int(dt_ms * 1_000_000)
            for ob in obs:
                self.image.run_ob(ob, self.mem, self.rt)
            self.rt.first_scan = False
            self.rt.cycle += 1

    def run(self, ob_name: str) -> None:
        """Run one OB by name (a startup or cyclic interrupt OB)."""
        self.image.run_ob(next(ob for ob in self.image.obs if ob.name == ob_name), self.mem, self.rt)

    def __getitem__(self, name: str) -> Any:
        return self.image.resolve(self.mem, name).get()

    def __setitem__(self, name: str, value: Any) -> None:
        self.image.resolve(self.mem, name).set(value)
