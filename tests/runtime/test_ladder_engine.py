"""LAD/FBD networks end to end: generated SimaticML -> program image (ladder translation + code generator)
-> scans on virtual time. Checks that what :mod:`fakes.runtime.ladder` produces is what the engine runs."""

from __future__ import annotations

from typing import Any

from fakes.program import PlcSoftware, read_object
from fakes.runtime.image import build_image
from simatic_xml.generate import generate_xml, parse_spec

from tools.plc_software import VERSION, Rt

_INTERFACE = {
    "Input": [{"name": "start", "dataType": "Bool"}, {"name": "stop", "dataType": "Bool"},
              {"name": "level", "dataType": "Int"}],
    "Output": [{"name": "running", "dataType": "Bool"}, {"name": "done", "dataType": "Bool"},
               {"name": "high", "dataType": "Bool"}, {"name": "copy", "dataType": "Int"},
               {"name": "sum", "dataType": "Int"}],
    "Static": [{"name": "timer", "dataType": "TON_TIME"}],
}


_FC_DOUBLE = {"blockType": "FC", "name": "FC_Double", "language": "SCL", "number": 5,
              "returnType": "Bool",
              "interface": {"Input": [{"name": "x", "dataType": "Int"}], "Output": [{"name": "y", "dataType": "Int"}]},
              "networks": [{"scl": "#y := #x * 2;\n#FC_Double := #x > 100;"}]}


def _software(language: str, networks: list) -> PlcSoftware:
    fb = {"blockType": "FB", "name": "FB_Lad", "language": language, "number": 3, "interface": _INTERFACE,
          "networks": networks}
    idb = {"blockType": "InstanceDB", "name": "Lad_DB", "instanceOf": "FB_Lad"}
    ob = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL",
          "networks": [{"scl": '"Lad_DB"();'}]}
    types = {"FB_Lad": parse_spec(fb)}
    software = PlcSoftware()
    for spec in (_FC_DOUBLE, fb, idb, ob):
        software.add(read_object(generate_xml(spec, VERSION, types=types), project_version=VERSION), overwrite=False)
    return software


class _Plc:
    def __init__(self, software: PlcSoftware) -> None:
        self.image = build_image(software, "PLC_1")
        self.mem = self.image.new_memory()
        self.rt = Rt(self.mem)

    def scan(self, dt_ms: int = 100, **inputs: Any) -> dict:
        db = self.mem.dbs["lad_db"]
        db.update(inputs)
        self.rt.now_ns += dt_ms * 1_000_000
        self.image.run_ob(self.image.obs[0], self.mem, self.rt)
        self.rt.first_scan = False
        return db


_LATCH = [{"parallel": [[{"contact": "#start"}], [{"contact": "#running"}]]},
          {"contact": "#stop", "negated": True}, {"coil": "#running"}]


def test_lad_self_holding_circuit_timer_compare_and_boxes() -> None:
    plc = _Plc(_software("LAD", [
        {"lad": [_LATCH]},
        {"lad": [[{"contact": "#running"},
                  {"box": "TON", "instance": "#timer", "inputs": {"PT": "T#1s"}, "outputs": {"Q": "#done"}}]]},
        {"lad": [[{"box": "CMP>", "in1": "#level", "in2": 50}, {"coil": "#high"}]]},
        {"lad": [[{"contact": "#high"}, {"box": "MOVE", "in": "#level", "out": "#copy"}]]},
        {"lad": [[{"box": "ADD", "in1": "#level", "in2": 1, "out": "#sum"}]]},
    ]))
    assert plc.image.warnings == []
    db = plc.scan(start=True, level=10)
    assert (db["running"], db["done"], db["high"], db["copy"], db["sum"]) == (True, False, False, 0, 11)
    db = plc.scan(start=False, level=70)
    assert (db["running"], db["high"], db["copy"]) == (True, True, 70)
    for _ in range(10):
        db = plc.scan()
    assert db["done"] is True
    db = plc.scan(stop=True)
    assert (db["running"], db["done"]) == (False, False)


def test_fbd_network_runs_the_same_logic() -> None:
    plc = _Plc(_software("FBD", [{"fbd": [_LATCH]}]))
    assert plc.scan(start=True)["running"] is True
    assert plc.scan(start=False)["running"] is True
    assert plc.scan(stop=True)["running"] is False


def test_lad_set_reset_coils_and_an_fc_call_under_en() -> None:
    plc = _Plc(_software("LAD", [
        {"lad": [[{"contact": "#start"}, {"set": "#high"}], [{"contact": "#stop"}, {"reset": "#high"}]]},
        {"lad": [[{"contact": "#high"},
                  {"call": "FC_Double", "blockType": "FC", "inputs": {"x": "#level"}, "outputs": {"y": "#sum"}}]]},
    ]))
    assert plc.image.warnings == []
    db = plc.scan(level=4)
    assert (db["high"], db["sum"]) == (False, 0)
    db = plc.scan(start=True)
    assert (db["high"], db["sum"]) == (True, 8)
    db = plc.scan(start=False, level=5)
    assert (db["high"], db["sum"]) == (True, 10)
    db = plc.scan(stop=True, level=6)
    assert (db["high"], db["sum"]) == (False, 10)
