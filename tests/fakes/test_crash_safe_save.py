"""Issue 12, failure 9: ``kill -9`` during a save of 600 changed blocks, ten times at random moments, always
reopens to exactly the old or exactly the new state, with no staged file or journal left behind.

The project is built once in-process; each round starts a child Python that saves all 600 blocks changed
(marker 1 to 2 or back: a pickled project, so the child spends its time saving, not parsing) and kills it with
SIGKILL after a random delay (each round in its own tenth of 1.3 measured saves, so the whole save is covered).
Then the parent opens the project. The seed is printed (``-s``) to replay a failure.
"""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from engineering_api.backend.models import ProgramDocument
from fakes.backend import FakeBackend
from fakes.project_commit import JOURNAL_NAME, STAGED_PREFIX
from fakes.project_files import load_project, save_project
from simatic_xml.generate import generate_xml
from tests.contract.conftest import CPU
from tools.bounds import HANG_GUARD_S

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")]

BLOCKS = 600
ROUNDS = 10
REPO = Path(__file__).resolve().parents[2]
CHILD = """
import pickle, sys
from fakes.project_files import save_project
with open(sys.argv[1], "rb") as handle:
    project = pickle.load(handle)
print("saving", flush=True)
save_project(project)
print("saved", flush=True)
"""
"""The child: unpickle the changed project, say when the save begins, save."""


def _fc(index: int, marker: int) -> bytes:
    spec = {"blockType": "FC", "name": f"FC_{index}", "language": "SCL", "returnType": "Int",
            "networks": [{"scl": f"#FC_{index} := {marker};"}]}
    return generate_xml(spec)


@dataclass(frozen=True)
class Saved:
    """A saved 600-block project and, pickled for the child, the project changed to each of two states.

    ``xml`` holds each block's XML per state (``old``: marker 1, ``new``: marker 2) as a reopened project holds it.
    """

    folder: Path
    pickles: dict[str, Path]
    xml: dict[str, dict[str, bytes]]

    @property
    def file(self) -> Path:
        return self.folder / "P.ap19"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Saved:
    root = tmp_path_factory.mktemp("crash")
    backend = FakeBackend(root / "state")
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(root, "P", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.program.import_program_documents(
        "PLC_1", [ProgramDocument(source=f"FC_{i}.xml", data=_fc(i, 1)) for i in range(BLOCKS)], overwrite=False)
    backend.save_project()
    backend.close_project()
    file = root / "P" / "P.ap19"
    pickles, xml = {}, {}
    for state, marker in (("new", 2), ("old", 1)):  # ends saved in the old state
        project = load_project(file)
        software = project.devices["PLC_1"].software
        assert software is not None
        for obj in _blocks(project):  # objects are values: each is replaced in its table
            software.blocks[obj.name] = replace(obj, xml=_fc(int(obj.name[3:]), marker))
        pickles[state] = root / f"{state}.pickle"
        pickles[state].write_bytes(pickle.dumps(project))
        save_project(project)
        xml[state] = {o.name: o.xml for o in _blocks(load_project(file))}
    assert all(xml["old"][name] != xml["new"][name] for name in xml["old"])
    return Saved(folder=root / "P", pickles=pickles, xml=xml)


def _blocks(project):
    return [o for o in project.devices["PLC_1"].software.all() if o.name.startswith("FC_")]


def _start_save(saved: Saved, state: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(saved.pickles[state])], cwd=REPO, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "saving"
    return child


def _state(saved: Saved) -> str:
    """``old`` or ``new`` after reopening; fails on a mix, a damaged project or leftovers."""
    blocks = {o.name: o.xml for o in _blocks(load_project(saved.file))}
    assert set(blocks) == set(saved.xml["old"])
    counts = {state: sum(blocks[name] == xml[name] for name in blocks) for state, xml in saved.xml.items()}
    assert sorted(counts.values()) == [0, BLOCKS], f"mixed state: {counts['old']} old, {counts['new']} new"
    leftovers = [p for p in saved.folder.rglob("*") if p.name.startswith(STAGED_PREFIX) or p.name == JOURNAL_NAME]
    assert leftovers == []
    return "old" if counts["old"] else "new"


def _other(state: str) -> str:
    return "new" if state == "old" else "old"


def _full_save(saved: Saved, state: str) -> float:
    """Seconds one uninterrupted save to ``state`` takes in the child, from its start to the child's exit."""
    child = _start_save(saved, state)
    began = time.perf_counter()
    child.wait(timeout=HANG_GUARD_S)
    duration = time.perf_counter() - began
    assert child.returncode == 0 and _state(saved) == state
    return duration


def test_kill_during_save_reopens_old_or_new(saved: Saved) -> None:
    assert _state(saved) == "old"
    duration = max(_full_save(saved, state) for state in ("new", "old"))  # the longer: a loaded machine varies

    seed = random.randrange(2**32)
    print(f"seed {seed}, one save {duration:.3f} s")
    rng = random.Random(seed)
    state = "old"
    outcomes = []
    for round_ in range(ROUNDS):
        target = _other(state)  # each save changes all 600 blocks, from the state the last round left
        child = _start_save(saved, target)
        # Stratified: each round kills at a random moment in its own tenth of 1.3 saves.
        time.sleep((round_ + rng.random()) / ROUNDS * duration * 1.3)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=HANG_GUARD_S)
        state = _state(saved)
        outcomes.append("completed" if state == target else "rolled back")
    print("outcomes", outcomes)
