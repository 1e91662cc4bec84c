"""Backend contract for the blocks area (:class:`engineering_api.backend.areas.blocks.BlocksPort`): called
directly on every adapter (today the fake), holding it to the documented results and errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import parse_bytes
from simatic_xml.generate import generate_xml
from simatic_xml.objects import OB
from tests.conftest import simaticml_object
from tests.lib.outcomes import raises_code
from tests.contract.conftest import HMI, open_plc_project
from tests.contract.played import played

FC = {"blockType": "FC", "name": "FC_A", "language": "SCL", "number": 3,
      "networks": [{"scl": "RETURN;"}]}
DB = {"blockType": "GlobalDB", "name": "DB_A", "interface": {"Static": [{"name": "X", "dataType": "Int"}]}}
UDT = {"blockType": "UDT", "name": "UDT_A", "interface": {"None": [{"name": "X", "dataType": "Int"}]}}

SOURCE = (
    'TYPE "UDT_G"\nSTRUCT\n  v : Int;\nEND_STRUCT;\nEND_TYPE\n'
    'FUNCTION "FC_G" : Int\nVAR_INPUT\n  u : "UDT_G";\nEND_VAR\nBEGIN\n  #FC_G := #u.v + "FC_A"();\nEND_FUNCTION\n'
)
"""A UDT used by an FC, source order opposite to import order's needs no more; the FC calls a block the PLC has."""

BRIDGE_PENDING: dict[str, str] = {}
"""Every test runs on the bridge too (reading a source's text is asserted as NO_OPENNESS_EQUIVALENT there)."""


@pytest.fixture
def plc(backend: EngineeringBackend, root: Path) -> EngineeringBackend:
    open_plc_project(backend, root)
    for spec in (UDT, FC, DB):
        backend.program.import_program_documents(
            "PLC_1", [ProgramDocument(source=f"{spec['name']}.xml", data=generate_xml(spec, played(backend).version))],
            overwrite=False)
    return backend


CALLS: list[tuple[str, Callable[[EngineeringBackend, str], Any]]] = [
    ("list_blocks", lambda b, d: b.blocks.list_blocks(d)),
    ("block_folders", lambda b, d: b.blocks.block_folders(d)),
    ("get_block", lambda b, d: b.blocks.get_block(d, "FC_A")),
    ("delete_block", lambda b, d: b.blocks.delete_block(d, "FC_A")),
    ("rename_block", lambda b, d: b.blocks.rename_block(d, "FC_A", "FC_B")),
    ("create_block_folder", lambda b, d: b.blocks.create_block_folder(d, "F")),
    ("delete_block_folder", lambda b, d: b.blocks.delete_block_folder(d, "F")),
    ("list_external_sources", lambda b, d: b.blocks.list_external_sources(d)),
    ("external_source_folders", lambda b, d: b.blocks.external_source_folders(d)),
    ("add_external_source", lambda b, d: b.blocks.add_external_source(d, "a.scl", "x", folder="", overwrite=False)),
    ("read_external_source", lambda b, d: b.blocks.read_external_source(d, "a.scl")),
    ("delete_external_source", lambda b, d: b.blocks.delete_external_source(d, "a.scl")),
    ("create_external_source_folder", lambda b, d: b.blocks.create_external_source_folder(d, "F")),
    ("delete_external_source_folder", lambda b, d: b.blocks.delete_external_source_folder(d, "F")),
    ("generate_blocks_from_source",
     lambda b, d: b.blocks.generate_blocks_from_source(d, "g.scl", SOURCE, version=played(b).version, overwrite=False)),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_needs_a_portal(backend, name, call):
    with pytest.raises(e.PortalUnavailableError):
        call(backend, "PLC_1")


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_unknown_device_and_non_plc(plc, name, call):
    with pytest.raises(e.NotFoundError):
        call(plc, "NOPE")
    plc.devices.add_device(HMI, None, "HMI_1")
    with pytest.raises(e.ValidationError):
        call(plc, "HMI_1")


def test_a_new_plc_starts_with_main_ob1(plc):
    """TIA creates the program cycle OB Main [OB1] (LAD, one empty network) with every CPU it adds; a pipeline that
    brings its own Main replaces it with overwrite, and without overwrite the name is taken."""
    main = plc.blocks.get_block("PLC_1", "Main")
    assert (main.block_type, main.number, main.language, main.folder, main.consistent) == ("OB", 1, "LAD", "", True)
    exported = plc.program.export_program_object("PLC_1", "Main")
    assert parse_bytes(exported).engineering_version == played(plc).version
    ob = simaticml_object(exported, OB)
    assert ob.secondary_type == "ProgramCycle"
    assert [u.programming_language for u in ob.compile_units] == ["LAD"]  # one network
    assert ob.title is not None
    assert [(t.culture, t.text) for t in ob.title.items] == [("en-US", '"Main Program Sweep (Cycle)"')]
    own = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "networks": [{"scl": "RETURN;"}]}
    document = ProgramDocument(source="Main.xml", data=generate_xml(own, played(plc).version))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", plc.program.import_program_documents, "PLC_1", [document],
                overwrite=False)
    plc.program.import_program_documents("PLC_1", [document], overwrite=True)
    assert plc.blocks.get_block("PLC_1", "Main").language == "SCL"


def test_list_get_and_blocks_only(plc):
    blocks = {b.name: b for b in plc.blocks.list_blocks("PLC_1")}
    assert set(blocks) == {"Main", "FC_A", "DB_A"}  # PLC data types are not blocks; Main [OB1] came with the PLC
    assert blocks["FC_A"].block_type == "FC" and blocks["FC_A"].number == 3 and blocks["FC_A"].language == "SCL"
    assert plc.blocks.get_block("PLC_1", "DB_A").block_type == "GlobalDB"
    with pytest.raises(e.NotFoundError):
        plc.blocks.get_block("PLC_1", "UDT_A")
    with pytest.raises(e.NotFoundError):
        plc.blocks.get_block("PLC_1", "Nope")


def test_delete_and_rename(plc):
    renamed = plc.blocks.rename_block("PLC_1", "FC_A", "FC_B")
    assert renamed.name == "FC_B" and renamed.number == 3
    assert parse_bytes(plc.program.export_program_object("PLC_1", "FC_B")).object.name == "FC_B"
    with pytest.raises(e.AlreadyExistsError):
        plc.blocks.rename_block("PLC_1", "FC_B", "db_a")
    with pytest.raises(e.AlreadyExistsError):
        plc.blocks.rename_block("PLC_1", "FC_B", "UDT_A")
    with pytest.raises(e.ValidationError):
        plc.blocks.rename_block("PLC_1", "FC_B", "")
    assert plc.blocks.delete_block("PLC_1", "FC_B").name == "FC_B"
    with pytest.raises(e.NotFoundError):
        plc.blocks.delete_block("PLC_1", "FC_B")
    with pytest.raises(e.NotFoundError):
        plc.blocks.rename_block("PLC_1", "FC_B", "FC_C")


def test_block_folders(plc):
    assert plc.blocks.create_block_folder("PLC_1", "A/B") == "A/B"
    assert plc.blocks.block_folders("PLC_1") == ["A", "A/B"]
    with pytest.raises(e.AlreadyExistsError):
        plc.blocks.create_block_folder("PLC_1", "A/B")
    with pytest.raises(e.ValidationError):
        plc.blocks.create_block_folder("PLC_1", "A/../x")
    data = generate_xml({**FC, "name": "FC_In", "number": 9}, played(plc).version)
    plc.program.import_program_documents("PLC_1", [ProgramDocument(source="x", data=data, folder="A/B")],
                                         overwrite=False)
    removal = plc.blocks.delete_block_folder("PLC_1", "A")
    assert removal.folder == "A" and removal.removed == ["FC_In"]
    assert plc.blocks.block_folders("PLC_1") == []
    with pytest.raises(e.NotFoundError):
        plc.blocks.delete_block_folder("PLC_1", "A")


def test_external_sources(plc):
    info = plc.blocks.add_external_source("PLC_1", "a.scl", "line1\nline2\n", folder="", overwrite=False)
    assert info.name == "a.scl" and info.line_count == 2 and info.length == 12
    with pytest.raises(e.AlreadyExistsError):
        plc.blocks.add_external_source("PLC_1", "A.SCL", "x", folder="", overwrite=False)
    plc.blocks.add_external_source("PLC_1", "a.scl", "new", folder="", overwrite=True)
    _assert_text(plc, "a.scl", "new")
    with pytest.raises(e.ValidationError):
        plc.blocks.add_external_source("PLC_1", "x/y.scl", "x", folder="", overwrite=False)
    with pytest.raises(e.ValidationError):
        plc.blocks.add_external_source("PLC_1", "b.scl", "x", folder="Missing", overwrite=False)
    assert plc.blocks.create_external_source_folder("PLC_1", "Lib") == "Lib"
    assert plc.blocks.external_source_folders("PLC_1") == ["Lib"]
    plc.blocks.add_external_source("PLC_1", "b.scl", "x", folder="Lib", overwrite=False)
    assert {s.name: s.folder for s in plc.blocks.list_external_sources("PLC_1")} == {"a.scl": "", "b.scl": "Lib"}
    assert plc.blocks.delete_external_source_folder("PLC_1", "Lib").removed == ["b.scl"]
    assert plc.blocks.delete_external_source("PLC_1", "a.scl").name == "a.scl"
    with pytest.raises(e.NotFoundError):
        plc.blocks.read_external_source("PLC_1", "a.scl")
    with pytest.raises(e.NotFoundError):
        plc.blocks.delete_external_source("PLC_1", "a.scl")


def _assert_text(backend: EngineeringBackend, name: str, text: str) -> None:
    """The source's text; Openness has no member that reads it back, which the bridge says precisely."""
    if backend.name == "openness":
        raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", backend.blocks.read_external_source, "PLC_1", name)
        return
    assert backend.blocks.read_external_source("PLC_1", name) == text


def test_external_sources_survive_save_and_reopen(plc: EngineeringBackend) -> None:
    plc.blocks.create_block_folder("PLC_1", "Empty/Inner")
    plc.blocks.create_external_source_folder("PLC_1", "Lib")
    plc.blocks.add_external_source("PLC_1", "a.scl", "FUNCTION x\n", folder="Lib", overwrite=False)
    project = plc.save_project()
    plc.close_project()
    plc.open_project(Path(project.path))
    assert plc.blocks.block_folders("PLC_1") == ["Empty", "Empty/Inner"]
    assert {s.name: s.folder for s in plc.blocks.list_external_sources("PLC_1")} == {"a.scl": "Lib"}
    _assert_text(plc, "a.scl", "FUNCTION x\n")


def test_an_import_brings_its_folders(plc: EngineeringBackend) -> None:
    """A document's folder that does not exist yet is created with the import (a bulk import of an exported
    tree); a batch that fails creates none."""
    data = generate_xml({**FC, "name": "FC_Deep", "number": 21}, played(plc).version)
    broken = ProgramDocument(source="broken.xml", data=b"<Document/>", folder="Never")
    with pytest.raises(e.ValidationError):
        plc.program.import_program_documents("PLC_1",
                                             [ProgramDocument(source="a.xml", data=data, folder="Never/Here"), broken],
                                     overwrite=False)
    assert plc.blocks.block_folders("PLC_1") == []
    plc.program.import_program_documents("PLC_1", [ProgramDocument(source="a.xml", data=data, folder="New/Sub")],
                                 overwrite=False)
    assert plc.blocks.block_folders("PLC_1") == ["New", "New/Sub"]
    assert {b.name: b.folder for b in plc.blocks.list_blocks("PLC_1")}["FC_Deep"] == "New/Sub"

def test_generate_blocks_from_source(plc: EngineeringBackend) -> None:
    progress: list[int] = []
    done = plc.blocks.generate_blocks_from_source("PLC_1", "g.scl", SOURCE, version=played(plc).version,
                                                  overwrite=False,
                                           progress=lambda percent, _message: progress.append(percent))
    assert done.blocks == ["UDT_G", "FC_G"]
    assert done.order == ["UDT_G", "FC_G"]
    assert [r.status for r in done.reports] == ["Imported", "Imported"]
    assert done.diagnostics == []
    assert progress == [50]
    assert "UDT_G" in {o.name for o in plc.program.list_program_objects("PLC_1")}
    plc.blocks.create_block_folder("PLC_1", "Gen")
    plc.blocks.generate_blocks_from_source("PLC_1", "k.scl", 'FUNCTION "FC_K" : Void\nBEGIN\n  RETURN;\nEND_FUNCTION\n',
                                    version=played(plc).version, overwrite=False, folder="Gen")
    assert {b.name: b.folder for b in plc.blocks.list_blocks("PLC_1")}["FC_K"] == "Gen"


def test_generate_blocks_from_source_writes_user_and_system_constants_as_constants(plc: EngineeringBackend) -> None:
    """A user constant of the PLC's tag tables and a system constant (``"Local~Common"``) are GlobalConstant
    operands in the generated SCL network, as TIA exports them; a tag stays a GlobalVariable."""
    from engineering_api.backend.areas.tags import ConstantSpec

    table = plc.tags.list_tag_tables("PLC_1")[0].name
    plc.tag_constants.create_constant("PLC_1", table, ConstantSpec(name="MAX_SPEED", data_type="Int", value="10"))
    text = ('FUNCTION "FC_Const" : Void\nVAR_TEMP\n  s : Int;\n  r : Int;\nEND_VAR\nBEGIN\n'
            '  #s := "MAX_SPEED";\n  #r := LED(LADDR := "Local~Common", LED := 1);\nEND_FUNCTION\n')
    plc.blocks.generate_blocks_from_source("PLC_1", "c.scl", text, version=played(plc).version, overwrite=False)
    xml = plc.program.export_program_object("PLC_1", "FC_Const")
    assert b'<Access Scope="GlobalConstant"' in xml
    assert b'<Constant Name="MAX_SPEED"' in xml and b'<Constant Name="Local~Common"' in xml
    assert b'<Component Name="MAX_SPEED"' not in xml


def test_generate_blocks_from_source_refuses_and_changes_nothing(plc: EngineeringBackend) -> None:
    plc.blocks.generate_blocks_from_source("PLC_1", "g.scl", SOURCE, version=played(plc).version, overwrite=False)
    before = sorted(o.name for o in plc.program.list_program_objects("PLC_1"))
    exists = raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", plc.blocks.generate_blocks_from_source, "PLC_1",
                         "g.scl", SOURCE, version=played(plc).version, overwrite=False)
    assert exists.details["names"] == ["UDT_G", "FC_G"]
    broken = 'FUNCTION "FC_H" : Void\nBEGIN\n  #x := ;\nEND_FUNCTION\n'
    with pytest.raises(e.ValidationError) as invalid:
        plc.blocks.generate_blocks_from_source("PLC_1", "h.scl", broken, version=played(plc).version, overwrite=False)
    assert invalid.value.details["diagnostics"][0]["file"] == "h.scl"
    assert invalid.value.details["diagnostics"][0]["line"] == 3
    assert sorted(o.name for o in plc.program.list_program_objects("PLC_1")) == before
    replaced = plc.blocks.generate_blocks_from_source("PLC_1", "g.scl", SOURCE, version=played(plc).version,
                                                      overwrite=True)
    assert replaced.blocks == ["UDT_G", "FC_G"]


def test_generate_blocks_from_source_reports_what_the_plc_lacks(plc: EngineeringBackend) -> None:
    source = 'FUNCTION "FC_M" : Void\nVAR_INPUT\n  u : "UDT_MISSING";\nEND_VAR\nBEGIN\n  RETURN;\nEND_FUNCTION\n'
    done = plc.blocks.generate_blocks_from_source("PLC_1", "m.scl", source, version=played(plc).version,
                                                  overwrite=False)
    assert done.blocks == ["FC_M"]
    assert [(d["code"], d["block"], d["file"]) for d in done.diagnostics] == [("MISSING_TYPE", "FC_M", "m.scl")]
