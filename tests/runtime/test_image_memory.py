"""Program images and memory: OB entries, compile errors, digests and objects, start values (DBs,
instance DBs, UDTs, arrays), retentive snapshot/restore and reinitialising DBs."""

from __future__ import annotations

import copy

import pytest

from engineering_api.backend.models import CompileResult
from engineering_api.rules.compiler.plc_compile import CompileRun
from fakes.program import PlcSoftware
from fakes.runtime.errors import ImageError
from fakes.runtime.image import ObEntry, build_image
from fakes.runtime.memory import Memory
from fakes.runtime.values import PlcArray

from tools.plc_software import Sim, software_from_scl, software_of_export
from tests.lib.shared_corpus import READS_SHARED, SHARED

_PROGRAM = """
TYPE "Limits"
STRUCT
  low : Int := -5;
  high : Int := 50;
  on : Bool := TRUE;
END_STRUCT
END_TYPE
FUNCTION_BLOCK "FB_Motor"
VAR_INPUT speed : Int := 7; END_VAR
VAR RETAIN hours : DInt := 1000; END_VAR
VAR starts : Int := 3; lim : "Limits"; END_VAR
BEGIN
  #hours := #hours + 1;
  #starts := #starts + 1;
END_FUNCTION_BLOCK
DATA_BLOCK "Motor_DB" "FB_Motor" BEGIN END_DATA_BLOCK
DATA_BLOCK "Data"
VAR RETAIN kept : Int := 11; END_VAR
VAR
  lost : Int := 22;
  r : Real := 1.5;
  t : Time := T#2s;
  txt : String[10] := 'hi';
  arr : Array[1..4] of Int := [1, 2, 2(9)];
  lims : "Limits";
END_VAR
BEGIN
END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Motor_DB"();
  "Data".kept := "Data".kept + 1;
  "Data".lost := "Data".lost + 1;
  "Flag" := TRUE;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Cyclic"
BEGIN
  "Data".r := "Data".r + 1.0;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Fast"
BEGIN
  "Data".r := 0.0;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Boot"
BEGIN
  "Data".lost := 0;
END_ORGANIZATION_BLOCK
"""
_TAGS = [{"name": "Flag", "address": "%M0.1", "dataType": "Bool"}]
_OB_TYPES = {"Cyclic": ("CyclicInterrupt", 35, 250_000), "Boot": ("Startup", 100, None),
             "Fast": ("CyclicInterrupt", 38, None)}


@pytest.fixture(scope="module")
def sim_factory():
    software = software_from_scl(_PROGRAM, _TAGS, ob_types=_OB_TYPES)
    image = build_image(software, "PLC_1")

    def make() -> Sim:
        return Sim.from_software(software, image)

    return make


def test_obs_with_kinds_numbers_and_periods(sim_factory) -> None:
    obs = {ob.name: ob for ob in sim_factory().image.obs}
    assert obs["Main"] == ObEntry("Main", 1, "ProgramCycle", None, 0)
    assert obs["Boot"].kind == "Startup" and obs["Boot"].number == 100
    assert (obs["Cyclic"].kind, obs["Cyclic"].number, obs["Cyclic"].period_ms) == ("CyclicInterrupt", 35, 250)
    assert obs["Fast"].period_ms == 100  # the generator's default CyclicTime (100000 µs) is written out


def test_cyclic_interrupt_default_period_by_number_without_cyclic_time() -> None:
    from fakes.runtime.image import DEFAULT_PERIODS_MS, _ob_entry

    class Obj:
        name, number = "OB33", 33

    class Sw:
        @staticmethod
        def attr(name: str) -> str | None:
            return {"SecondaryType": "CyclicInterrupt"}.get(name)

    assert _ob_entry(Obj, Sw).period_ms == DEFAULT_PERIODS_MS[33] == 500


def test_digests_objects_and_no_warnings(sim_factory) -> None:
    sim = sim_factory()
    assert set(sim.image.objects) == set(sim.image.digests) >= {"Main", "Data", "Motor_DB", "Limits",
                                                               "Default tag table"}
    assert sim.image.objects["Data"] == sim.software.blocks["Data"].xml
    assert len(sim.image.digests["Data"]) == 64 and sim.image.warnings == []


def test_start_values_of_dbs_instance_dbs_udts_and_arrays(sim_factory) -> None:
    mem = sim_factory().mem
    data = mem.dbs["data"]
    assert (data["kept"], data["lost"], data["r"], data["t"], data["txt"]) == (11, 22, 1.5, 2000, "hi")
    assert data["arr"] == PlcArray([1, 2, 9, 9], 1)
    assert data["lims"] == {"low": -5, "high": 50, "on": True}
    motor = mem.dbs["motor_db"]
    assert (motor["speed"], motor["hours"], motor["starts"]) == (7, 1000, 3)
    assert motor["lim"]["high"] == 50


def test_scans_startup_and_cyclic_obs(sim_factory) -> None:
    sim = sim_factory()
    sim.run("Boot")
    sim.scan(2)
    sim.run("Cyclic")
    assert sim['"Data".lost'] == 2 and sim['"Data".r'] == 2.5 and sim.mem.markers[0] == 2


def test_retentive_snapshot_survives_a_new_memory(sim_factory) -> None:
    sim = sim_factory()
    sim.mem.retentive_markers = 2
    sim.scan(3)
    sim.mem.markers[1] = 0x55
    sim.mem.markers[5] = 0x66
    snapshot = sim.mem.retentive_snapshot()
    fresh = sim.image.new_memory()
    fresh.restore_retentive(snapshot)
    assert fresh.dbs["data"]["kept"] == 14 and fresh.dbs["data"]["lost"] == 22
    assert fresh.dbs["motor_db"]["hours"] == 1003 and fresh.dbs["motor_db"]["starts"] == 3
    assert fresh.markers[0] == 2 and fresh.markers[1] == 0x55 and fresh.markers[5] == 0
    # the snapshot is a copy: later scans do not change it
    sim.scan()
    again = sim.image.new_memory()
    again.restore_retentive(snapshot)
    assert again.dbs["data"]["kept"] == 14 and sim.mem.dbs["data"]["kept"] == 15


def test_reinitialise_sets_named_dbs_back_in_place(sim_factory) -> None:
    sim = sim_factory()
    sim.scan(2)
    before = sim.mem.dbs["data"]
    sim.image.reinitialise(sim.mem, ["DATA", "unknown"])
    assert sim.mem.dbs["data"] is before and before["kept"] == 11 and before["lost"] == 22
    assert sim.mem.dbs["motor_db"]["hours"] == 1002


def test_compile_errors_refuse_the_image() -> None:
    software = software_from_scl('ORGANIZATION_BLOCK "Main"\nBEGIN\n"Nowhere".x := 1;\nEND_ORGANIZATION_BLOCK\n')
    with pytest.raises(ImageError) as info:
        build_image(software, "PLC_1")
    assert info.value.messages and "Nowhere" in info.value.messages[0]


def test_a_compile_run_without_its_program_view_is_read_again() -> None:
    # A caller's successful run that kept no program view (CompileRun.program is optional): the image is built
    # from the software, as without a run, instead of failing on None.
    software = software_from_scl(_PROGRAM, _TAGS, ob_types=_OB_TYPES)
    run = CompileRun(CompileResult(state="Success", error_count=0, warning_count=0))
    assert run.program is None
    image = build_image(software, "PLC_1", run)
    assert image.digests == build_image(software, "PLC_1").digests
    assert {ob.name for ob in image.obs} == {"Main", "Cyclic", "Fast", "Boot"}
    assert image.new_memory().dbs["data"]["lost"] == 22


def test_empty_software_gives_an_empty_image() -> None:
    image = build_image(PlcSoftware(), "PLC_1")
    assert image.obs == [] and image.tag_list() == [] and image.new_memory().dbs == {}


def test_memory_areas_and_word_access() -> None:
    mem = Memory()
    assert (len(mem.inputs), len(mem.outputs), len(mem.markers)) == (32768, 32768, 16384)
    mem.set("M", 10, 0x1234, "WORD")
    assert mem.markers[10:12] == b"\x12\x34" and mem.get("M", 10, "WORD") == 0x1234
    mem.set_bit("Q", 3, 7, True)
    assert mem.outputs[3] == 0x80 and mem.get_bit("Q", 3, 7) is True
    mem.set("I", 4, -2.5, "REAL")
    assert mem.get("I", 4, "REAL") == -2.5 and mem.get("I", 4, "DWORD") == 0xC0200000


_TECH_DB = (SHARED / "corpus/simaticml/db/Fwaldt_CONT_C_Clim_DB.xml")


@READS_SHARED
def test_instance_dbs_of_unknown_library_fbs_hold_their_own_interface() -> None:
    image = build_image(software_of_export(_TECH_DB, "V20"), "PLC_1")
    mem = image.new_memory()
    gain = image.resolve(mem, '"CONT_C_Clim_DB".GAIN')
    assert gain.data_type == "Real"
    gain.set(2.0)
    assert mem.retentive_snapshot()["dbs"]  # CONT_C's members are retentive
    assert any(t.name == '"CONT_C_Clim_DB".GAIN' for t in image.tag_list())


def test_a_memory_deep_copies_with_a_scratch_of_its_own() -> None:
    mem = Memory(2, [("d", ("x",))])
    mem.markers[1] = 7
    mem.dbs = {"d": {"x": 1, "a": PlcArray([1, 2], 0, "INT")}}
    other = copy.deepcopy(mem)
    assert other.markers[1] == 7 and other.dbs == mem.dbs and other.dbs["d"] is not mem.dbs["d"]
    assert other.retain_paths == mem.retain_paths and other.retentive_markers == 2
    assert other.real32 is not mem.real32
