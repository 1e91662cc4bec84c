"""The saved program's index (fakes.object_index) spares opening a project the reading of every document: a project
opens to the objects it held when saved, byte for byte and field for field, for every corpus export the fake stores
and a generated plant; without its index to the same objects read from their files, but for one property a file
cannot always carry (below); a file changed by hand is read again.

The property: whether a block is numbered automatically, which TIA keeps with the block. An export written with
default values and no ``<AutoNumber>`` says false (``simatic_xml.objects.is_auto_numbered``); the fake's saved file,
written without DocumentInfo, then reads as true. The index keeps what the import stored; reading the file alone
cannot (the corpus's OB "Diagnostic error interrupt" is such a block).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from engineering_api.backend.errors import EngineeringError
from engineering_api.backend.models import ProgramDocument
from fakes import object_index
from fakes.backend import FakeBackend
from fakes.program import PlcSoftware, ProgramObject
from fakes.project_files import load_project
from tests.contract.conftest import CPU
from tests.simatic_xml.sxml_corpus import corpus_paths
from tools.plant_project import plant_sources
from tools.work_count import WorkCount, counting


def _saved_project(tmp_path: Path) -> tuple[Path, dict[tuple[str, str], ProgramObject]]:
    """A saved project holding a plant of 200 objects and every corpus export the fake imports (each alone, over
    what came before), and its objects as saved."""
    backend = FakeBackend(tmp_path / "state")
    backend.launch_portal(with_ui=False, version=None)
    (tmp_path / "ws").mkdir()
    backend.create_project(tmp_path / "ws", "P", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    text = "\n".join(source.text for source in plant_sources(200, seed=3))
    backend.blocks.generate_blocks_from_source("PLC_1", "plant.scl", text, version="V19", overwrite=True)
    for path in corpus_paths():
        try:
            backend.program.import_program_documents(
                "PLC_1", [ProgramDocument(source=path.name, data=path.read_bytes())], overwrite=True)
        except EngineeringError:
            continue  # a block whose FB or type the corpus's other files do not bring, or one TIA refuses alike
    backend.save_project()
    software = backend._project().devices["PLC_1"].software
    assert software is not None
    saved = _objects(software)
    backend.close_project()
    return tmp_path / "ws" / "P" / "P.ap19", saved


Saved = tuple[Path, dict[tuple[str, str], ProgramObject]]


@pytest.fixture(scope="module")
def saved_once(tmp_path_factory: pytest.TempPathFactory) -> Saved:
    return _saved_project(tmp_path_factory.mktemp("indexed"))


@pytest.fixture
def saved(saved_once: Saved, tmp_path: Path) -> Saved:
    """A copy of the saved project, for a test to change."""
    project_file, objects = saved_once
    shutil.copytree(project_file.parent, tmp_path / "P")
    return tmp_path / "P" / project_file.name, objects


def _software(project_file: Path) -> PlcSoftware:
    software = load_project(project_file).devices["PLC_1"].software
    assert software is not None
    return software


def _objects(software: PlcSoftware) -> dict[tuple[str, str], ProgramObject]:
    return {(obj.category, obj.name): obj for obj in software.all()}


def _index_file(project_file: Path) -> Path:
    return next(project_file.parent.rglob(object_index.INDEX_FILE))


def _work(project_file: Path) -> int:
    count = WorkCount()
    with counting(count):
        load_project(project_file)
    return count.total


def _but_auto_number(objects: dict[tuple[str, str], ProgramObject]) -> dict[tuple[str, str], ProgramObject]:
    return {key: replace(obj, auto_number=False) for key, obj in objects.items()}


def test_a_project_opens_to_the_objects_it_saved_with_its_index_and_the_same_without(saved: Saved) -> None:
    project_file, objects = saved
    indexed = _objects(_software(project_file))
    assert indexed == objects
    assert len(indexed) > 200 + (len(corpus_paths()) // 2 if corpus_paths() else 0)
    with_index = _work(project_file)
    _index_file(project_file).unlink()
    read = _objects(_software(project_file))
    assert _but_auto_number(read) == _but_auto_number(indexed)
    assert with_index * 3 < _work(project_file)  # the index spares the reading, most of an open's work


def test_a_file_changed_by_hand_is_read_again(saved: Saved) -> None:
    project_file, _ = saved
    index = _index_file(project_file)
    entries = json.loads(index.read_text(encoding="utf-8"))["objects"]
    path = next(p for p, entry in entries.items() if entry["name"] == "FC_M3")
    block = index.parent / path
    block.write_bytes(block.read_bytes().replace(b"<Name>FC_M3</Name>", b"<Name>FC_Edited</Name>"))
    names = {obj.name for obj in _software(project_file).all()}
    assert "FC_Edited" in names and "FC_M3" not in names


@pytest.mark.parametrize("spoil", ["not json", '{"format": 99, "objects": {}}', '{"format": 1, "version": "V17"}'])
def test_an_index_of_another_format_or_version_is_not_read(saved: Saved, spoil: str) -> None:
    project_file, _ = saved
    indexed = _objects(_software(project_file))
    _index_file(project_file).write_text(spoil, encoding="utf-8")
    assert _but_auto_number(_objects(_software(project_file))) == _but_auto_number(indexed)
