"""Operating states over the PLCSim routes, memory area by memory area, against the S7-1500 memory table.

"Structure and use of the CPU memory", function manual A5E03461664-AC (10/2018), 2.4.1 Table 2-1 "Retentive
behavior of the memory objects" (A5E03461664-01, 01/2013: 2.3, p. 16):

============================================  ==============  ================  ============
memory object                                 STOP→STARTUP    POWER ON→STARTUP  memory reset
============================================  ==============  ================  ============
actual values of DBs and instance DBs         per DB / tag¹   per DB / tag¹     initialised
bit memory, timers, counters: retentive       retained        retained          initialised
bit memory, timers, counters: non-retentive   initialised     initialised       initialised
============================================  ==============  ================  ============

¹ "For DBs with optimized access the retentive behavior is configurable for specific tags"; A5E03461664-01 2.1
("Work memory"): at POWER ON→startup and STOP→startup, global and instance DB tags are initialised with their start
values, retentive tags keep their actual values. The startup OB (OB100) runs once per startup. The process image
outputs are initialised at STOP→RUN (S7-1200 System Manual A5E02486680-05, 11/2011, 4.1 "STARTUP processing").
An IEC timer is an instance DB's value (its ET and state), so a non-retentive one starts again.

Each transition failed before this work for the STOP→RUN column (values carried on; OB100's counter read 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.conftest import data
from tests.simulation_app import SIM, act, create, module_fixtures

if TYPE_CHECKING:
    from litestar.testing import TestClient

    from fakes.runtime.image import ProgramImage

Headers = dict[str, str]
pytestmark = pytest.mark.usefixtures("clean_simulation")  # instances removed after each test
sim, keys = module_fixtures()  # the module's app and its keys


PROGRAM = """
DATA_BLOCK "Std_Kept"
{ S7_Optimized_Access := 'FALSE' }
VAR RETAIN v : Int := 5; END_VAR
BEGIN END_DATA_BLOCK
DATA_BLOCK "Std_Lost"
{ S7_Optimized_Access := 'FALSE' }
VAR v : Int := 5; END_VAR
BEGIN END_DATA_BLOCK
DATA_BLOCK "Data"
VAR value : Int := 5; cycles : DInt; starts : Int; t : TON_TIME; END_VAR
VAR RETAIN kept : Int := 5; kept_starts : Int; END_VAR
BEGIN END_DATA_BLOCK
FUNCTION_BLOCK "FB_Count"
VAR n : Int := 3; END_VAR
VAR RETAIN r : Int := 3; END_VAR
BEGIN
  #n := #n + 1;
  #r := #r + 1;
END_FUNCTION_BLOCK
DATA_BLOCK "Count_DB" "FB_Count" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Init"
BEGIN
  "Data".starts := "Data".starts + 1;
  "Data".kept_starts := "Data".kept_starts + 1;
END_ORGANIZATION_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Data".cycles := "Data".cycles + 1;
  "Data".t(IN := TRUE, PT := T#10s);
  "Count_DB"();
  "Counter" := "Counter" + 1;
  "Lamp" := TRUE;
END_ORGANIZATION_BLOCK
"""
TAGS = [{"name": "Counter", "address": "%MW10", "dataType": "Int"},
        {"name": "Lamp", "address": "%Q0.0", "dataType": "Bool"},
        {"name": "Start", "address": "%I0.0", "dataType": "Bool"}]
TABLE = "function manual A5E03461664-AC, Table 2-1"


@pytest.fixture(scope="module")
def image() -> ProgramImage:
    from fakes.runtime.image import build_image
    from tools.plc_software import software_from_scl

    return build_image(software_from_scl(PROGRAM, TAGS, ob_types={"Init": ("Startup", 100, None)}), "PLC_1")


@pytest.fixture
def plc(sim: TestClient[Any], engineer: Headers, image: ProgramImage) -> str:
    create(sim, engineer, "Sim", operatingMode="SingleStep")
    act(sim, engineer, "Sim", "power-on")
    sim.app.state.services.backend.plcsim.get("Sim").load(image, device="PLC_1")
    data(sim.post(f"{SIM}/start", json={"instanceName": "Sim"}, headers=engineer))
    return "Sim"


def _tag(name: str) -> str:
    return f"{SIM}/tags/{quote(name, safe='')}"


def _values(sim: TestClient[Any], headers: Headers) -> dict[str, Any]:
    names = ['"Data".value', '"Data".cycles', '"Data".starts', '"Data".t.ET', '"Data".kept', '"Data".kept_starts',
             '"Count_DB".n', '"Count_DB".r', "Counter", "Lamp", "Start", '"Std_Kept".v', '"Std_Lost".v']
    return {name: data(sim.get(_tag(name), headers=headers))["value"] for name in names}


def _run_a_while(sim: TestClient[Any], headers: Headers) -> None:
    """3 s of 10 ms cycles (the TON started in the first: ET 2990 ms), then a value, bit memory and an input
    written from outside."""
    data(sim.post(f"{SIM}/instances/Sim/actions/step", json={"milliseconds": 3000}, headers=headers))
    for name, value in (('"Data".value', 77), ('"Data".kept', 77), ("Counter", 1234), ("Start", True),
                        ('"Std_Kept".v', 77), ('"Std_Lost".v', 77)):
        data(sim.put(_tag(name), json={"value": value}, headers=headers))


def _stop_run(sim: TestClient[Any], h: Headers) -> None:
    data(act(sim, h, "Sim", "stop", json={"confirm": True}))
    data(act(sim, h, "Sim", "run"))


def _power_cycle(sim: TestClient[Any], h: Headers) -> None:
    data(act(sim, h, "Sim", "power-off", json={"confirm": True}))
    data(act(sim, h, "Sim", "power-on"))
    data(act(sim, h, "Sim", "run"))


def _memory_reset(sim: TestClient[Any], h: Headers) -> None:
    data(act(sim, h, "Sim", "memory-reset", json={"confirm": True}))
    data(act(sim, h, "Sim", "run"))


# After the transition and OB100, before any cycle: what each memory object holds.
FRESH = {'"Data".value': 5, '"Data".cycles': 0, '"Data".starts': 1, '"Data".t.ET': 0, '"Count_DB".n': 3,
         "Counter": 0, "Lamp": False, '"Std_Lost".v': 5}
"""Non-retentive DB values, instance DB statics, a timer, bit memory and outputs: initialised by all three."""
RETAINED = {'"Data".kept': 77, '"Data".kept_starts': 2, '"Count_DB".r': 3 + 300, '"Std_Kept".v': 77}
"""Optimised DBs' retentive tags, an instance DB's retentive static, a standard DB set retentive as a whole."""
CLEARED = {'"Data".kept': 5, '"Data".kept_starts': 1, '"Count_DB".r': 3, '"Std_Kept".v': 5}

TRANSITIONS: list[tuple[str, Callable[[Any, Headers], None], dict[str, Any]]] = [
    ("STOP -> RUN", _stop_run, {**FRESH, **RETAINED, "Start": True}),
    ("POWER OFF/ON", _power_cycle, {**FRESH, **RETAINED, "Start": False}),
    ("memory reset", _memory_reset, {**FRESH, **CLEARED, "Start": False}),
]


@pytest.mark.parametrize(("transition", "expected"), [(t[1], t[2]) for t in TRANSITIONS],
                         ids=[t[0] for t in TRANSITIONS])
def test_each_memory_area_after_a_transition(sim: TestClient[Any], engineer: Headers, viewer: Headers, plc: str,
                                             transition: Callable[[Any, Headers], None],
                                             expected: dict[str, Any]) -> None:
    _run_a_while(sim, engineer)
    before = _values(sim, viewer)
    assert before['"Data".starts'] == 1 and before['"Data".t.ET'] == 2990 and before['"Count_DB".r'] == 303
    transition(sim, engineer)
    after = _values(sim, viewer)
    assert {k: after[k] for k in expected} == expected, TABLE


def test_ob100_runs_once_per_startup_and_the_first_cycle_sees_fresh_values(sim: TestClient[Any], engineer: Headers,
                                                                         viewer: Headers, plc: str) -> None:
    for startup in range(1, 4):
        data(sim.post(f"{SIM}/instances/Sim/actions/step", json={"cycles": 2}, headers=engineer))
        values = _values(sim, viewer)
        assert (values['"Data".starts'], values['"Data".kept_starts']) == (1, startup), TABLE
        assert (values['"Data".cycles'], values["Counter"], values['"Data".t.ET']) == (2, 2, 10), TABLE
        _stop_run(sim, engineer)


RETAIN = ("function manual A5E03461664-AC, 2.4.1 Table 2-1 (bit memory configured retentive: retained at STOP -> "
          "STARTUP and POWER ON, initialised by a memory reset); the number of retentive memory bytes from MB0 is the "
          "PLC tags' 'Retain' setting")
RETENTIVE_BYTES = 12
"""%MB0..%MB11 retentive: "Counter" (%MW10) is in it, "Beyond" (%MW12) is not."""


@pytest.fixture
def retentive_plc(sim: TestClient[Any], engineer: Headers) -> str:
    from fakes.runtime.image import build_image
    from tools.plc_software import software_from_scl

    software = software_from_scl(PROGRAM, [*TAGS, {"name": "Beyond", "address": "%MW12", "dataType": "Int"}],
                                 ob_types={"Init": ("Startup", 100, None)})
    software.retentive_marker_bytes = RETENTIVE_BYTES
    create(sim, engineer, "Sim", operatingMode="SingleStep")
    act(sim, engineer, "Sim", "power-on")
    sim.app.state.services.backend.plcsim.get("Sim").load(build_image(software, "PLC_1"), device="PLC_1")
    data(sim.post(f"{SIM}/start", json={"instanceName": "Sim"}, headers=engineer))
    return "Sim"


@pytest.mark.parametrize(("transition", "counter"), [(_stop_run, 1234), (_power_cycle, 1234), (_memory_reset, 0)],
                         ids=["STOP -> RUN", "POWER OFF/ON", "memory reset"])
def test_retentive_bit_memory_follows_the_plcs_retain_setting(sim: TestClient[Any], engineer: Headers,
                                                              viewer: Headers, retentive_plc: str,
                                                              transition: Callable[[Any, Headers], None],
                                                              counter: int) -> None:
    _run_a_while(sim, engineer)
    data(sim.put(_tag("Beyond"), json={"value": 99}, headers=engineer))
    transition(sim, engineer)
    after = {name: data(sim.get(_tag(name), headers=viewer))["value"] for name in ("Counter", "Beyond")}
    assert after == {"Counter": counter, "Beyond": 0}, RETAIN


def test_a_retentive_range_beyond_the_bit_memory_is_refused() -> None:
    from fakes.runtime.errors import ImageError
    from fakes.runtime.image import build_image
    from tools.plc_software import software_from_scl

    software = software_from_scl(PROGRAM, TAGS, ob_types={"Init": ("Startup", 100, None)})
    for wrong in (-1, 16 * 1024 + 1):
        software.retentive_marker_bytes = wrong
        with pytest.raises(ImageError, match="retentive bit memory"):
            build_image(software, "PLC_1")
