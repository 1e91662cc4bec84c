"""The benchmark's model of TIA hosts (bench/timed_agent.py, issue 48) floors every port call the agent receives,
area calls included: generating, compiling and exporting are area calls, and a model without their floor measured
a farm whose heaviest calls took no TIA time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("farm-2")

ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own: the model patches the fake's classes.
LOAD_MODEL = """
import sys
sys.path.insert(0, sys.argv[1])
sys.argv = sys.argv[:1]
import importlib.util
spec = importlib.util.spec_from_file_location("timed_agent", "{root}/bench/timed_agent.py")
model = importlib.util.module_from_spec(spec)
spec.loader.exec_module(model)
"""
PROBE = LOAD_MODEL + """
import time
from engineering_api.backend.port import port_method_names
from fakes.backend import FakeBackend
from pathlib import Path
waited = []
class Floored(Exception):
    pass
def sleep(seconds):  # the floor's wait, recorded and cut short
    waited.append(seconds)
    raise Floored()
time.sleep = sleep
model.install(60.0)
backend = FakeBackend(Path("state"))
for name, call in (("open_projects", backend.open_projects),
                   ("simulation.list_instances", backend.simulation.list_instances),
                   ("catalog.catalog_cache_status", backend.catalog.catalog_cache_status)):
    del waited[:]
    try:
        call()
    except Exception:  # a refusal (no portal) is a port call as well, and the Floored wait ends it
        pass
    if not waited:
        print(name)
missing = []
for name in sorted(port_method_names()):
    area, _, method = name.rpartition(".")
    owner = getattr(backend, area) if area else backend
    if method in model._UNTIMED:
        continue
    if getattr(getattr(owner, method), getattr(model, "FLOORED", "__tia_floor__"), None) != name:
        missing.append(name)
print("\\n".join(missing))
"""


def test_every_port_call_of_the_model_has_the_tia_floor(tmp_path):
    probe = subprocess.run([sys.executable, "-c", PROBE.replace("{root}", str(ROOT)), str(ROOT)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    missing = probe.stdout.split()
    assert not missing, f"port calls without the model's floor: {missing[:20]} ({len(missing)})"
    assert "blocks.generate_blocks_from_source" not in missing


# A port call the fake makes inside another (generating blocks from a source looks up the objects it names and
# imports the generated documents: two program-area port calls) is one TIA operation: one floor, not three.
NESTED = LOAD_MODEL + """
import functools
from pathlib import Path
from fakes.backend import FakeBackend
floors = []
model._wait_out = floors.append  # the floor's wait, recorded instead of waited
inner = []
program_area = type(FakeBackend(Path("probe")).program)
for name in ("find_program_objects", "import_program_documents"):  # counted under the floor install adds
    def counted(self, *args, original=getattr(program_area, name), name=name, **kwargs):
        inner.append(name)
        return original(self, *args, **kwargs)
    setattr(program_area, name, functools.wraps(getattr(program_area, name))(counted))
model.install(60.0)
backend = FakeBackend(Path("state"))
backend.launch_portal(with_ui=False, version=None)
backend.create_project(Path("projects").resolve(), "Nested", author="", comment="")
backend.devices.add_device("6ES7 516-3AN02-0AB0", None, "PLC_1")
del floors[:]
source = 'FUNCTION "Calc" : Int\\nVAR_INPUT\\n  a : Int;\\nEND_VAR\\nBEGIN\\n  #Calc := #a + 1;\\nEND_FUNCTION\\n'
backend.blocks.generate_blocks_from_source("PLC_1", "Calc.scl", source, version="V19", overwrite=False)
print(len(floors), ",".join(sorted(set(inner))))
del floors[:]
backend.program.list_program_objects("PLC_1")  # the same port method called by the agent: its own floor
print(len(floors))
"""


def test_a_port_call_inside_another_adds_no_second_floor(tmp_path):
    probe = subprocess.run([sys.executable, "-c", NESTED.replace("{root}", str(ROOT)), str(ROOT)],
                           capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    nested, direct = probe.stdout.split("\n")[:2]
    floors, inner = nested.split()
    # the inner calls ran (the case is real) and the outer call waited out one floor
    assert inner == "find_program_objects,import_program_documents"
    assert floors == "1"
    assert direct == "1"
