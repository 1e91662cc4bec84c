"""Generating a source holds the garbage collector for the call (``collector_held``): no collection walks the call's
trees while it builds them, and the collector is on again after it, whether the source generated or was refused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import EngineeringError
from engineering_api.backend.models import SourceGeneration
from engineering_api.backend.port import EngineeringBackend
from engineering_api.rules import source_generation
from engineering_api.rules.source_generation import collector_held

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "scl"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/scl")
CPU = "6ES7 516-3AN02-0AB0"
BIG = (CORPUS / "krisztianloki__ess_plcfactory/output/git-repo/spk-000cdl_cryo-plc-010"
       / "PLCFactory_external_source_TIAv15.1.scl")
"""A generated PLC's source (~90 blocks): thousands of young collections' worth of objects at Python's default
threshold."""


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
    """The generations collected while the test runs, at Python's default threshold (a collection every 700
    allocations), the collector on."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    was_enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(700, 10, 10)
    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
        if not was_enabled:
            gc.disable()


def test_a_generation_collects_nothing_until_it_ends(backend: EngineeringBackend, collections: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    ends: list[int] = []
    generate = source_generation._generate_blocks

    def noted(*args: Any, **kwargs: Any) -> SourceGeneration:
        done = generate(*args, **kwargs)
        ends.append(len(collections))  # the collections made up to the work's end, inside the hold
        return done

    monkeypatch.setattr(source_generation, "_generate_blocks", noted)
    text = BIG.read_text(encoding="utf-8-sig")
    done = backend.blocks.generate_blocks_from_source("PLC_1", BIG.name, text, version="V19", overwrite=True)
    assert len(done.blocks) > 50
    assert ends == [0]
    assert gc.isenabled()
    for _ in range(1000):  # the garbage the call left is collected as soon as allocations go on
        [[]]
    assert collections


def test_the_collector_is_on_again_after_a_refused_source(backend: EngineeringBackend,
                                                         collections: list[int]) -> None:
    with pytest.raises(EngineeringError):
        backend.blocks.generate_blocks_from_source("PLC_1", "bad.scl", "FUNCTION f : VOID\nBEGIN\n#x := ;\n",
                                                   version="V19", overwrite=True)
    assert gc.isenabled()


def test_a_collector_that_is_off_stays_off(collections: list[int]) -> None:
    gc.disable()
    with collector_held():
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()
    with collector_held():
        assert not gc.isenabled()
        with collector_held():  # nested: the inner hold leaves the outer one's collector as it is
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
