"""Blocks of software units over the stand-in: on an S7-1500 a unit's blocks live below
``PlcSoftware.GetService<PlcUnitProvider>().UnitGroup.Units[i].BlockGroup`` (and ``.SafetyUnits``), not below
``PlcSoftware.BlockGroup``, so listing, lookup, export, compile and delete must walk the units too.

A unit block is named ``Namespace.Name`` when it carries a namespace, as TIA V18 exports it (``<Name>idbControlSécheur
</Name><Namespace>nsSécheur</Namespace>``: ChrisSiem/TestChris@a826097 ``PLC_1/Software units/Sécheur/Program
blocks/nsSécheur.idbControlSécheur.xml``) and as the fake lists the same document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas.tags import TagSpec
from engineering_api.backend.areas.watch_tables import WATCH_TABLE, EntrySpec
from engineering_api.backend.models import ProgramDocument
from engineering_api.rules.program_objects import read_object
from simatic_xml.generate import generate_xml
from tests.bridge.conftest import require_standin
from tests.lib.outcomes import raises_code
from tests.bridge.unit_docs import S7_1200, fb_xml, udt_xml


@pytest.fixture
def units(plc: Any) -> Any:
    """``PLC_1`` (an S7-1500) with its own ``FB_Main``, the unit ``Conveyor2`` holding ``Conveyor2.FB_Belt`` (in
    its group ``Motors``) and ``FB_Plain`` (no namespace), and the safety unit ``SafetyUnit`` holding
    ``Safety.F_Stop``."""
    import StandIn.Control as control

    pid = int(plc.session_status().pid)
    plc.program.import_program_documents(
        "PLC_1", [ProgramDocument(source="FB_Main.xml", data=fb_xml("FB_Main", 1))], overwrite=False)
    control.Units.AddUnit(pid, "PLC_1", "Conveyor2", False)
    control.Units.AddBlock(pid, "PLC_1", "Conveyor2", "Motors", fb_xml("FB_Belt", 2, "Conveyor2"))
    control.Units.AddBlock(pid, "PLC_1", "Conveyor2", "", fb_xml("FB_Plain", 3))
    control.Units.AddUnit(pid, "PLC_1", "SafetyUnit", True)
    control.Units.AddBlock(pid, "PLC_1", "SafetyUnit", "", fb_xml("F_Stop", 4, "Safety"))
    return plc


def test_unit_blocks_are_listed_with_their_namespace_and_unit_folder(units: Any) -> None:
    listed = {b.name: (b.folder, b.number) for b in units.blocks.list_blocks("PLC_1")}
    assert listed == {
        "Main": ("", 1),  # the PLC's OB1 (OBs number apart from FBs)
        "FB_Main": ("", 1),
        "Conveyor2.FB_Belt": ("Software units/Conveyor2/Motors", 2),
        "FB_Plain": ("Software units/Conveyor2", 3),
        "Safety.F_Stop": ("Software units/SafetyUnit", 4),
    }
    objects = {o.name for o in units.program.list_program_objects("PLC_1")}
    assert {"FB_Main", "Conveyor2.FB_Belt", "FB_Plain", "Safety.F_Stop"} <= objects


def test_a_unit_block_is_found_exported_and_compiled_by_its_qualified_name(units: Any) -> None:
    info = units.blocks.get_block("PLC_1", "Conveyor2.FB_Belt")
    assert (info.block_type, info.number, info.folder) == ("FB", 2, "Software units/Conveyor2/Motors")
    exported = units.program.export_program_object("PLC_1", "Conveyor2.FB_Belt")
    # The fake's name for the same document: Namespace.Name (read_object, shared with the fake)
    assert read_object(exported, project_version="V19").name == "Conveyor2.FB_Belt"
    assert units.blocks.get_block("PLC_1", "FB_Plain").folder == "Software units/Conveyor2"
    assert units.compile.compile_block("PLC_1", "Safety.F_Stop").state == "Success"


def test_the_plain_name_of_a_namespaced_unit_block_suggests_the_qualified_one(units: Any) -> None:
    err = raises_code(e.NotFoundError, "BLOCK_NOT_FOUND", units.blocks.get_block, "PLC_1", "FB_Belt")
    assert err.details["suggestions"] == ["Conveyor2.FB_Belt"]


def test_a_unit_block_is_deleted_and_renamed_in_its_namespace(units: Any) -> None:
    renamed = units.blocks.rename_block("PLC_1", "Conveyor2.FB_Belt", "Conveyor2.FB_Belt2")
    assert (renamed.name, renamed.folder) == ("Conveyor2.FB_Belt2", "Software units/Conveyor2/Motors")
    assert units.blocks.delete_block("PLC_1", "Safety.F_Stop").name == "Safety.F_Stop"
    assert sorted(b.name for b in units.blocks.list_blocks("PLC_1")) == [
        "Conveyor2.FB_Belt2", "FB_Main", "FB_Plain", "Main"]


# Names are unique per PLC over its own trees and every unit's (blocks.program_object_names): FB_Plain is
# Conveyor2's block outside a namespace.
def test_a_name_a_unit_block_has_is_taken_for_a_rename(units: Any) -> None:
    err = raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", units.blocks.rename_block, "PLC_1", "FB_Main", "fb_plain")
    assert "fb_plain" in err.message


def test_a_name_a_unit_block_has_is_taken_for_an_import(units: Any) -> None:
    document = ProgramDocument(source="FB_Plain.xml", data=fb_xml("FB_Plain", 7))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", units.program.import_program_documents, "PLC_1", [document],
                overwrite=False)


def test_a_unit_block_is_renamed_to_a_name_checked_in_its_namespace(units: Any) -> None:
    # The qualified name the block will have is checked, not the plain name given.
    import StandIn.Control as control

    control.Units.AddBlock(int(units.session_status().pid), "PLC_1", "Conveyor2", "", fb_xml("FB_Roll", 5, "Conveyor2"))
    assert units.blocks.rename_block("PLC_1", "Conveyor2.FB_Belt", "FB_Belt_2").name == "Conveyor2.FB_Belt_2"
    err = raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", units.blocks.rename_block, "PLC_1",
                      "Conveyor2.FB_Belt_2", "FB_Roll")
    assert "'Conveyor2.FB_Roll'" in err.message


def test_a_cpu_without_software_units_lists_its_blocks_beside_one_with_units(units: Any) -> None:
    # GetService<PlcUnitProvider>() is null on an S7-1200: the PLC's own blocks are all there is.
    units.devices.add_device(S7_1200, None, "PLC_2")
    units.program.import_program_documents(
        "PLC_2", [ProgramDocument(source="FB_Small.xml", data=fb_xml("FB_Small", 5))], overwrite=False)
    assert [(b.name, b.folder) for b in units.blocks.list_blocks("PLC_2")] == [("Main", ""), ("FB_Small", "")]
    raises_code(e.NotFoundError, "BLOCK_NOT_FOUND", units.blocks.get_block, "PLC_2", "Conveyor2.FB_Belt")
    assert len(units.blocks.list_blocks("PLC_1")) == 5  # and its own Main [OB1]


_AS_V17 = """
import json, sys
from pathlib import Path
from openness_bridge.standin import standin_backend
from simatic_xml.generate import generate_xml

def fb(name, number, namespace):
    return generate_xml({"blockType": "FB", "name": name, "language": "SCL", "number": number,
                         "networks": [{"scl": ""}], "namespace": namespace}, "V19")

root = Path(sys.argv[1])
bridge = standin_backend(root / "state")
bridge.on_worker_thread_started()
bridge.launch_portal(with_ui=False, version=None)
bridge.create_project(root / "projects", "Line1", author="", comment="")
bridge.devices.add_device("6ES7 516-3AN02-0AB0", None, "PLC_1")
import StandIn.Control as control
pid = int(bridge.session_status().pid)
control.Units.AddUnit(pid, "PLC_1", "Conveyor2", False)
control.Units.AddBlock(pid, "PLC_1", "Conveyor2", "Motors", fb("FB_Belt", 2, "Conveyor2"))
control.Units.AddUnit(pid, "PLC_1", "SafetyUnit", True)
control.Units.AddBlock(pid, "PLC_1", "SafetyUnit", "", fb("F_Stop", 4, "Safety"))
listed = [[b.name, b.folder] for b in bridge.blocks.list_blocks("PLC_1")]
bridge.close()
print(json.dumps(listed))
"""


def test_as_v17_a_unit_block_keeps_its_plain_name_and_no_safety_units_are_asked_for(tmp_path: Path) -> None:
    """V17 has no ``Namespace`` attribute (the stand-in refuses ``GetAttribute("Namespace")`` with
    ``EngineeringNotSupportedException``, as TIA refuses an attribute it lacks) and no
    ``PlcUnitSystemGroup.SafetyUnits`` (V17 stubs): the unit block is listed by its ``Name``, the missing composition is
    not an error. One process per played version (pythonnet loads one ``Siemens.Engineering``)."""
    require_standin()
    env = {**os.environ, "ENGINEERING_API_STANDIN_VERSION": "V17"}
    done = subprocess.run([sys.executable, "-c", _AS_V17, str(tmp_path)], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[2], check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        ["Main", ""], ["FB_Belt", "Software units/Conveyor2/Motors"]]


@pytest.fixture
def unit_types(plc: Any) -> Any:
    """``PLC_1`` with the unit ``Conveyor2`` holding the PLC data type ``Conveyor2.UDT_Belt`` and the FB
    ``Conveyor2.FB_Belt`` that uses it."""
    import StandIn.Control as control

    pid = int(plc.session_status().pid)
    control.Units.AddUnit(pid, "PLC_1", "Conveyor2", False)
    control.Units.AddType(pid, "PLC_1", "Conveyor2", "Shared", udt_xml("UDT_Belt", "Conveyor2"))
    fb = {"blockType": "FB", "name": "FB_Belt", "language": "SCL", "number": 2, "networks": [{"scl": ""}],
          "namespace": "Conveyor2", "interface": {"Static": [{"name": "belt", "dataType": '"Conveyor2.UDT_Belt"'}]}}
    control.Units.AddBlock(pid, "PLC_1", "Conveyor2", "", generate_xml(fb, "V19"))
    return plc


def test_a_unit_type_is_listed_exported_and_compiled_with_its_users(unit_types: Any) -> None:
    [udt] = unit_types.types.list_types("PLC_1")
    assert (udt.name, udt.folder, udt.member_count) == ("Conveyor2.UDT_Belt", "Software units/Conveyor2/Shared", 1)
    details = unit_types.types.get_type("PLC_1", "Conveyor2.UDT_Belt")
    assert [u.name for u in details.used_by] == ["Conveyor2.FB_Belt"]
    exported = unit_types.types.export_type("PLC_1", "Conveyor2.UDT_Belt")
    assert read_object(exported, project_version="V19").name == "Conveyor2.UDT_Belt"
    assert unit_types.program.export_program_object("PLC_1", "Conveyor2.UDT_Belt") == exported
    assert unit_types.compile.compile_block("PLC_1", "Conveyor2.UDT_Belt").state == "Success"


def test_updating_a_unit_type_replaces_it_in_its_unit(unit_types: Any) -> None:
    result = unit_types.types.update_type("PLC_1", "Conveyor2.UDT_Belt", udt_xml("UDT_Belt", "Conveyor2", "Real"))
    assert result.interface_changed and [u.name for u in result.affected_users] == ["Conveyor2.FB_Belt"]
    [udt] = unit_types.types.list_types("PLC_1")
    assert (udt.name, udt.folder) == ("Conveyor2.UDT_Belt", "Software units/Conveyor2/Shared")
    # The PLC's own tree holds nothing but the units' folder, where the UDT stays
    [units_folder] = unit_types.types.type_tree("PLC_1").children
    assert [c.path for c in units_folder.children[0].children] == ["Software units/Conveyor2/Shared"]


def test_an_import_numbered_as_a_unit_block_is_refused_naming_it(units: Any) -> None:
    # Block numbers are the CPU's: FB 2 is Conveyor2.FB_Belt's, in the unit.
    document = ProgramDocument(source="FB_New.xml", data=fb_xml("FB_New", 2))
    err = raises_code(e.ConflictError, "BLOCK_NUMBER_IN_USE", units.program.import_program_documents, "PLC_1",
                      [document], overwrite=False)
    assert "'Conveyor2.FB_Belt'" in err.message
    assert "FB_New" not in {b.name for b in units.blocks.list_blocks("PLC_1")}


@pytest.fixture
def unit_tags(units: Any) -> Any:
    """``units`` with the tag table ``Belt tags`` in the group ``IO`` of unit ``Conveyor2``, holding ``BeltRunning``
    (``%I0.0``), made through Openness."""
    import StandIn.Control as control

    control.Units.AddTagTable(int(units.session_status().pid), "PLC_1", "Conveyor2", "IO", "Belt tags")
    units.tags.create_tag("PLC_1", "Belt tags", TagSpec(name="BeltRunning", data_type="Bool", logical_address="%I0.0"))
    return units


def test_a_unit_tag_table_is_listed_found_and_renamed_in_its_unit(unit_tags: Any) -> None:
    tables = {t.name: t.folder for t in unit_tags.tags.list_tag_tables("PLC_1")}
    assert tables == {"Default tag table": "", "Belt tags": "Software units/Conveyor2/IO"}
    assert [t.name for t in unit_tags.tags.list_tags("PLC_1", "belt tags")] == ["BeltRunning"]
    assert "BeltRunning" in {t.name for t in unit_tags.tags.list_all_tags("PLC_1")}
    assert read_object(unit_tags.tags.export_tag_table_xml("PLC_1", "Belt tags"), project_version="V19").name == (
        "Belt tags")
    renamed = unit_tags.tags.rename_tag_table("PLC_1", "Belt tags", "Conveyor tags")
    assert (renamed.name, renamed.folder, renamed.tag_count) == ("Conveyor tags", "Software units/Conveyor2/IO", 1)
    assert unit_tags.tags.tag_table_tree("PLC_1").children[0].name == "Default tag table"  # the PLC's own tree


def test_a_tag_name_a_unit_table_holds_is_taken_plc_wide(unit_tags: Any) -> None:
    spec = TagSpec(name="beltrunning", data_type="Bool", logical_address="%I0.1")
    raises_code(e.AlreadyExistsError, "TAG_EXISTS", unit_tags.tags.create_tag, "PLC_1", "Default tag table", spec)


def test_a_unit_tag_table_name_is_taken_for_a_new_table(unit_tags: Any) -> None:
    raises_code(e.AlreadyExistsError, "TAG_TABLE_EXISTS", unit_tags.tags.create_tag_table, "PLC_1", "BELT TAGS")


def test_a_unit_tag_table_name_is_taken_for_a_block_rename(unit_tags: Any) -> None:
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", unit_tags.blocks.rename_block, "PLC_1", "FB_Main", "Belt tags")


def test_compare_names_the_kind_of_a_unit_block(units: Any) -> None:
    from tests.bridge.online_session import simulate_plc_1

    simulate_plc_1(units)
    units.online.download("PLC_1")
    # The stand-in's compare tree names a unit's object by its Name (TIA's choice for a namespaced one is unknown)
    kinds = {e.name: e.kind for e in units.online.compare_online("PLC_1").entries}
    assert kinds == {"Main": "OB", "FB_Main": "FB", "FB_Belt": "FB", "FB_Plain": "FB", "F_Stop": "FB"}


def test_watch_operands_resolve_through_units_tag_tables_and_data_blocks(unit_tags: Any) -> None:
    import StandIn.Control as control

    db = {"blockType": "GlobalDB", "name": "DB_Belt", "number": 9, "namespace": "Conveyor2",
          "interface": {"Static": [{"name": "Speed", "dataType": "Int"}]}}
    control.Units.AddBlock(int(unit_tags.session_status().pid), "PLC_1", "Conveyor2", "", generate_xml(db, "V19"))
    entries = [EntrySpec(name='"BeltRunning"'), EntrySpec(name='"Conveyor2.DB_Belt".Speed')]
    made = unit_tags.watch_tables.create_watch_force_table("PLC_1", WATCH_TABLE, "Belt", entries=entries)
    assert [(x.is_valid, x.data_type) for x in made.entries] == [(True, "Bool"), (True, "Int")]
    assert made.entries[0].address == "%I0.0"


def test_a_master_copy_is_made_of_a_unit_block(units: Any) -> None:
    made = units.library.create_master_copy("PLC_1", "Conveyor2.FB_Belt", name=None, folder="")
    assert (made.name, made.source_kind) == ("FB_Belt", "Block")


@pytest.fixture
def unit_source(units: Any) -> Any:
    """``units`` with the external source ``Belt.scl`` in the group ``Src`` of unit ``Conveyor2``."""
    import StandIn.Control as control

    control.Units.AddExternalSource(int(units.session_status().pid), "PLC_1", "Conveyor2", "Src", "Belt.scl",
                                    'FUNCTION "FC_Belt" : Void\nBEGIN\nEND_FUNCTION\n')
    return units


def test_a_unit_external_source_is_listed_found_and_deleted(unit_source: Any) -> None:
    listed = [(s.name, s.folder) for s in unit_source.blocks.list_external_sources("PLC_1")]
    assert listed == [("Belt.scl", "Software units/Conveyor2/Src")]
    # found (not SOURCE_NOT_FOUND), and its text is still beyond Openness
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", unit_source.blocks.read_external_source, "PLC_1",
                "Belt.scl")
    assert unit_source.blocks.delete_external_source("PLC_1", "Belt.scl").folder == "Software units/Conveyor2/Src"
    assert unit_source.blocks.list_external_sources("PLC_1") == []


def test_a_unit_external_source_name_is_taken_for_a_new_source(unit_source: Any) -> None:
    raises_code(e.AlreadyExistsError, "SOURCE_EXISTS", unit_source.blocks.add_external_source, "PLC_1", "belt.SCL",
                "", folder="", overwrite=False)


def test_units_outlast_a_rollback_and_a_save_and_reopen(unit_source: Any) -> None:
    import StandIn.Control as control

    control.Units.AddTagTable(int(unit_source.session_status().pid), "PLC_1", "Conveyor2", "IO", "Belt tags")
    unit_source.tags.create_tag("PLC_1", "Belt tags", TagSpec(name="BeltRunning", data_type="Bool",
                                                             logical_address="%I0.0", comment="runs"))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", unit_source.blocks.rename_block, "PLC_1", "FB_Main", "FB_Plain")
    path = Path(unit_source.save_project().path)
    unit_source.close_project()
    unit_source.open_project(path)
    assert len(unit_source.blocks.list_blocks("PLC_1")) == 5  # and the PLC's own Main [OB1]
    assert unit_source.blocks.get_block("PLC_1", "Conveyor2.FB_Belt").folder == "Software units/Conveyor2/Motors"
    [tag] = unit_source.tags.list_tags("PLC_1", "Belt tags")
    assert (tag.name, tag.logical_address, tag.comment) == ("BeltRunning", "%I0.0", "runs")
    assert [s.folder for s in unit_source.blocks.list_external_sources("PLC_1")] == ["Software units/Conveyor2/Src"]


def test_a_tag_may_be_of_a_unit_udt(unit_types: Any) -> None:
    # The fake holds every type by its qualified name; the bridge's data type check reads the units' types the same way
    spec = TagSpec(name="Belt", data_type='"Conveyor2.UDT_Belt"', logical_address="%M10.0")
    assert unit_types.tags.create_tag("PLC_1", "Default tag table", spec).tag.data_type == '"Conveyor2.UDT_Belt"'


# The program area's tag-table documents: a unit's table is listed and exported as the PLC's own are, by its Name and
# with the folder the tag area gives it; its tags and constants are taken for an import, its name too.
def test_a_unit_tag_table_is_a_program_object_listed_and_exported(unit_tags: Any) -> None:
    listed = {o.name: (o.kind, o.folder) for o in unit_tags.program.list_program_objects("PLC_1")}
    assert listed["Belt tags"] == ("TagTable", "Software units/Conveyor2/IO")
    exported = unit_tags.program.export_program_object("PLC_1", "belt tags")  # TIA's names are case-insensitive
    assert exported == unit_tags.tags.export_tag_table_xml("PLC_1", "Belt tags")
    assert b"<Name>BeltRunning</Name>" in exported
    # The runtime-values area reads the released flags from every table, the units' too
    assert exported in unit_tags.program.data_documents("PLC_1")


def test_an_imported_tag_table_may_not_take_a_tag_name_a_unit_table_holds(unit_tags: Any) -> None:
    from tests.bridge.tag_table_doc import tag_table_doc

    document = tag_table_doc(name="Motors", tag="beltRunning", data_type="Bool")
    err = raises_code(e.AlreadyExistsError, "TAG_EXISTS", unit_tags.program.import_program_documents, "PLC_1",
                      [document], overwrite=False)
    assert "'BeltRunning' in 'Belt tags'" in err.message
    assert "Motors" not in {t.name for t in unit_tags.tags.list_tag_tables("PLC_1")}


def test_a_unit_tag_table_name_is_taken_and_overwritten_into_the_plc_tree(unit_tags: Any) -> None:
    from tests.bridge.tag_table_doc import tag_table_doc

    # The document's tag is the unit table's own: the table it replaces does not count.
    document = tag_table_doc(name="BELT TAGS", tag="BeltRunning", data_type="Bool")
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", unit_tags.program.import_program_documents, "PLC_1",
                [document], overwrite=False)
    [report] = unit_tags.program.import_program_documents("PLC_1", [document], overwrite=True)
    assert report.status == "Imported"
    # The unit's table is gone; the imported one is in the PLC's own "PLC tags" (table names are unique per PLC).
    tables = {t.name: t.folder for t in unit_tags.tags.list_tag_tables("PLC_1")}
    assert tables == {"Default tag table": "", "BELT TAGS": ""}
    assert [t.name for t in unit_tags.tags.list_tags("PLC_1", "BELT TAGS")] == ["BeltRunning"]


def test_a_batch_of_tag_tables_reads_the_plc_wide_tag_names_once(unit_tags: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Each read reads every tag and constant of every table, the units' too, over .NET. Counted, not timed.
    import openness_bridge.program as program
    from tests.bridge.tag_table_doc import tag_table_doc

    reads: list[int] = []
    read = program.plc_names

    def counted(root: Any, tables: Any = None) -> dict[str, tuple[str, str, str]]:
        reads.append(1)
        return read(root, tables)

    monkeypatch.setattr(program, "plc_names", counted)
    documents = [tag_table_doc(name="A", tag="RunA", data_type="Bool"),
                 tag_table_doc(name="B", tag="RunB", data_type="Bool")]
    assert [r.status for r in unit_tags.program.import_program_documents("PLC_1", documents, overwrite=False)] == [
        "Imported", "Imported"]
    assert len(reads) == 1
