"""The ``Main`` [OB1] a PLC added to the fake starts with (:mod:`fakes.main_ob`): the block TIA creates with a CPU,
stored as the corpus export of it, in every version a project can have; a project opened from its file keeps what
it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from engineering_api.backend.errors import ValidationError
from engineering_api.rules.program_objects import read_object
from fakes.backend import FakeBackend
from fakes.main_ob import MAIN_OB1_TITLE, main_ob1
from fakes.portal import SUPPORTED_VERSIONS
from simatic_xml import parse_bytes
from simatic_xml.objects import OB
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, open_plc_project
from tests.lib.shared_corpus import SHARED

__all__: list[str] = []

CORPUS_MAIN = SHARED / "corpus" / "simaticml" / "ob" / "Czarnak_Main.xml"
"""A TIA V21 export of the Main [OB1] TIA creates: LAD, one empty network, TIA's title."""


def test_stored_it_is_the_corpus_export_of_tias_main() -> None:
    assert main_ob1("V21").xml == read_object(CORPUS_MAIN.read_bytes(), project_version="V21").xml


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_each_version_holds_it_in_its_own_form(version: str) -> None:
    obj = main_ob1(version)
    assert (obj.kind, obj.name, obj.number, obj.language) == ("OB", "Main", 1, "LAD")
    document = parse_bytes(obj.xml)
    assert document.engineering_version == version
    ob = document.object
    assert isinstance(ob, OB) and ob.secondary_type == "ProgramCycle" and len(ob.compile_units) == 1
    assert ob.title is not None and [t.text for t in ob.title.items] == [MAIN_OB1_TITLE]
    assert (b"<Namespace />" in obj.xml) is (version >= "V18")  # the attribute TIA writes from V18


def test_only_a_plc_gets_it_and_a_reopened_project_keeps_what_it_holds(tmp_path: Path) -> None:
    backend = FakeBackend(tmp_path / "state")
    (tmp_path / "ws").mkdir()
    open_plc_project(backend, tmp_path / "ws", "Line")
    assert [(b.name, b.block_type, b.number) for b in backend.blocks.list_blocks("PLC_1")] == [("Main", "OB", 1)]
    backend.devices.add_device(HMI, None, "HMI_1")
    raises_code(ValidationError, "NOT_A_PLC", backend.blocks.list_blocks, "HMI_1")
    backend.blocks.delete_block("PLC_1", "Main")
    path = backend.save_project().path
    backend.close_project()
    backend.open_project(Path(path))
    assert backend.blocks.list_blocks("PLC_1") == []  # no OB1 is added on open
