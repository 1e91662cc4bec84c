"""Generating a source holds the garbage collector's automatic collections for its in-process work
(``engineering_api.lib.collector``): no collection walks the trees while they are built, the adapter's calls that
may wait on TIA are never held, and a generation's hold overlaps the served start's (or another generation's), the
collector collecting again when the last ends."""

from __future__ import annotations

import dataclasses
import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engineering_api.asgi import hold_collections
from engineering_api.backend.errors import EngineeringError
from engineering_api.backend.port import EngineeringBackend
from engineering_api.lib.collector import YOUNG_COLLECTION_EVERY, collections_held, space_young_collections
from engineering_api.lib.collector import hold_collections as hold
from engineering_api.rules import source_generation
from simatic_xml.generate.from_source import generate_source
from tools.bounds import HANG_GUARD_S
from tests.collector_watch import NORMAL, watched_collections
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"
CPU = "6ES7 516-3AN02-0AB0"
BIG = (CORPUS / "krisztianloki__ess_plcfactory/output/git-repo/spk-000cdl_cryo-plc-010"
       / "PLCFactory_external_source_TIAv15.1.scl")
"""A generated PLC's source (~90 blocks): thousands of young collections' worth of objects at Python's default
threshold."""
FB = ('FUNCTION_BLOCK "Motor"\nVAR_INPUT\n run : Bool;\nEND_VAR\nBEGIN\nEND_FUNCTION_BLOCK\n')
USES_FB = ('DATA_BLOCK "MotorDb"\n"Motor"\nBEGIN\nEND_DATA_BLOCK\n'
           'FUNCTION "F" : Void\nVAR_TEMP\n t : Int;\nEND_VAR\nBEGIN\n#t := 1;\nEND_FUNCTION\n')


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[EngineeringBackend]:
    from fakes.backend import FakeBackend

    fake = FakeBackend(tmp_path / "state")
    fake.launch_portal(with_ui=False, version=None)
    fake.create_project(tmp_path, "P", author="", comment="")
    fake.devices.add_device(CPU, None, "PLC_1")
    yield fake
    fake.close()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs, at Python's default thresholds; the collector's state as it
    was after the test, whatever the test left."""
    with watched_collections() as seen:
        yield seen


def held() -> bool:
    return gc.get_threshold()[0] == 0


def test_generating_collects_nothing_until_the_trees_are_built(backend: EngineeringBackend, collections: list[int],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    spans: list[tuple[int, bool]] = []
    generate = generate_source

    def noted(*args: Any, **kwargs: Any) -> Any:
        before = len(collections)
        done = generate(*args, **kwargs)
        spans.append((len(collections) - before, held()))
        return done

    monkeypatch.setattr(source_generation, "generate_source", noted)
    text = BIG.read_text(encoding="utf-8-sig")
    done = backend.blocks.generate_blocks_from_source("PLC_1", BIG.name, text, version="V19", overwrite=True)
    assert len(done.blocks) > 50
    assert spans == [(0, True)]
    assert gc.get_threshold() == NORMAL and gc.isenabled()
    for _ in range(1000):  # the garbage the call left is collected as soon as allocations go on
        [[]]
    assert collections


def test_no_collection_comes_between_the_generation_and_the_in_process_import(
        backend: EngineeringBackend, collections: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """One hold spans the generation and the fake's import: a collection when a hold ended between the two walked
    every generated model, still alive (the hold is ended only after the models are dropped)."""
    marks: list[tuple[str, int, bool]] = []
    generate = generate_source

    def noted(*args: Any, **kwargs: Any) -> Any:
        done = generate(*args, **kwargs)
        marks.append(("generated", len(collections), held()))
        return done

    monkeypatch.setattr(source_generation, "generate_source", noted)
    blocks: Any = backend.blocks
    real = blocks._generation.import_generated

    def importing(*args: Any, **kwargs: Any) -> Any:
        marks.append(("importing", len(collections), held()))
        return real(*args, **kwargs)

    blocks._generation = dataclasses.replace(blocks._generation, import_generated=importing)
    done = backend.blocks.generate_blocks_from_source("PLC_1", BIG.name, BIG.read_text(encoding="utf-8-sig"),
                                                      version="V19", overwrite=True)
    assert len(done.blocks) > 50
    (_, generated_at, generated_held), (_, importing_at, importing_held) = marks
    assert generated_held and importing_held
    assert importing_at == generated_at
    assert gc.get_threshold() == NORMAL and gc.isenabled()


class _Program:
    """The fake's program area as an adapter over TIA uses it (no in-process import), noting whether the collector
    is held in each call, the import blocking until ``release``."""

    def __init__(self, program: Any) -> None:
        self._program = program
        self.calls: list[tuple[str, bool]] = []
        self.importing, self.release = threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._program, name)

    def find_program_objects(self, device: str, names: Any) -> Any:
        self.calls.append(("find", held()))
        return self._program.find_program_objects(device, names)

    def export_program_object(self, device: str, name: str) -> Any:
        self.calls.append(("export", held()))
        return self._program.export_program_object(device, name)

    def import_program_documents(self, device: str, documents: Any, *, overwrite: bool) -> Any:
        self.calls.append(("import", held()))
        self.importing.set()
        assert self.release.wait(HANG_GUARD_S)
        return self._program.import_program_documents(device, documents, overwrite=overwrite)


def test_the_calls_that_wait_on_tia_are_not_held(backend: EngineeringBackend, collections: list[int]) -> None:
    """A TIA call may take minutes, and a thread the worker's watchdog abandons in it never ends its hold: while one
    blocks, another thread finds automatic collection on."""
    backend.blocks.generate_blocks_from_source("PLC_1", "fb.scl", FB, version="V19", overwrite=True)
    blocks: Any = backend.blocks
    program = _Program(blocks._generation.program)
    blocks._generation = dataclasses.replace(blocks._generation, program=program, import_generated=None)
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(blocks.generate_blocks_from_source(
        "PLC_1", "uses.scl", USES_FB, version="V19", overwrite=True,
        progress=lambda percent, message: program.calls.append(("progress", held())))))
    worker.start()
    try:
        assert program.importing.wait(HANG_GUARD_S)
        assert not held() and gc.isenabled()  # while the generation's thread waits on the import
    finally:
        program.release.set()
        worker.join(HANG_GUARD_S)
    assert done and sorted(done[0].blocks) == ["F", "MotorDb"]
    # the progress report too: an agent's posts to Redis, which may block as long as a TIA call
    assert program.calls == [("find", False), ("export", False), ("progress", False), ("import", False)]
    assert gc.get_threshold() == NORMAL


def test_a_generation_and_the_start_overlapping_hold_until_the_last_ends(backend: EngineeringBackend,
                                                                       collections: list[int]) -> None:
    """The start's hold ends while a generation's thread is in its held import: collection stays held until the
    generation's ends, and then comes back with the served threshold the start's end asked for."""
    blocks: Any = backend.blocks
    real = blocks._generation.import_generated
    importing, release = threading.Event(), threading.Event()

    def blocking_import(*args: Any, **kwargs: Any) -> Any:
        importing.set()
        assert release.wait(HANG_GUARD_S)
        return real(*args, **kwargs)

    blocks._generation = dataclasses.replace(blocks._generation, import_generated=blocking_import)
    start_ended = hold_collections()
    worker = threading.Thread(target=lambda: blocks.generate_blocks_from_source(
        "PLC_1", "fb.scl", FB, version="V19", overwrite=True))
    worker.start()
    try:
        assert importing.wait(HANG_GUARD_S)
        start_ended()
        assert held()  # the generation still holds it
    finally:
        release.set()
        worker.join(HANG_GUARD_S)
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *NORMAL[1:])
    assert gc.isenabled()


def test_overlapping_holds_end_in_any_order(collections: list[int]) -> None:
    first = hold()
    with collections_held():
        second = hold()
        first()
        first()  # a hold ends once: a second end cannot end another
        assert held()
    assert held()
    second()
    assert gc.get_threshold() == NORMAL
    start_failed = hold_collections()
    with collections_held():
        start_failed(serving=False)
    assert gc.get_threshold() == NORMAL  # a failed start restores what it found


def test_the_collector_collects_again_after_a_refused_source(backend: EngineeringBackend,
                                                             collections: list[int]) -> None:
    with pytest.raises(EngineeringError):
        backend.blocks.generate_blocks_from_source("PLC_1", "bad.scl", "FUNCTION f : VOID\nBEGIN\n#x := ;\n",
                                                   version="V19", overwrite=True)
    assert gc.get_threshold() == NORMAL and gc.isenabled()


def test_a_collector_that_is_off_stays_off(collections: list[int]) -> None:
    gc.disable()
    with collections_held():
        assert held()
    assert not gc.isenabled()
    assert gc.get_threshold() == NORMAL


def test_a_command_spaces_the_young_collections_and_a_hold_keeps_that_spacing(collections: list[int]) -> None:
    from engineering_api.cli import main

    assert main(["no-such-command"]) == 2  # any command: the spacing is set before its arguments are read
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *NORMAL[1:])
    gc.set_threshold(*NORMAL)
    with collections_held():
        space_young_collections()
        assert held()
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *NORMAL[1:])
    gc.set_threshold(YOUNG_COLLECTION_EVERY * 3, *NORMAL[1:])
    space_young_collections()
    assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY * 3, *NORMAL[1:])  # a larger spacing is kept
