"""New and imported objects go into the software unit their folder names, over the stand-in.

A unit's objects are listed in ``Software units/<unit>/<folder inside the unit>`` (:mod:`openness_bridge.units`);
a client sending that folder back (an import of what it exported, a new object beside a listed one) means the unit,
so the object goes below the unit's system group, never into user groups of that name in the PLC's own tree. A
folder naming no unit of the CPU is refused: units are not made through the port.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from tests.bridge.unit_docs import fb_xml, udt_xml
from tests.lib.outcomes import raises_code


@pytest.fixture
def unit(plc: Any) -> Any:
    """``PLC_1`` (an S7-1500) with the unit ``Conveyor2`` holding ``Conveyor2.FB_Belt`` in its group ``Motors``."""
    import StandIn.Control as control

    pid = int(plc.session_status().pid)
    control.Units.AddUnit(pid, "PLC_1", "Conveyor2", False)
    control.Units.AddBlock(pid, "PLC_1", "Conveyor2", "Motors", fb_xml("FB_Belt", 2, "Conveyor2"))
    return plc


def _own_folders(bridge: Any) -> dict[str, list[str]]:
    """Groups a client would take for a unit's but that lie in the PLC's own trees: "Software units" and its
    children in the folder listings (which list a unit's groups only below ``Software units/<unit>/``), any folder
    at the top of the type and tag trees (where the units' folder is the one expected: a look-alike user group
    would be a second "Software units" or another name)."""
    def look_alikes(paths: list[str]) -> list[str]:
        return [p for p in paths if p.count("/") < 2 and p.split("/")[0].casefold() == "software units"]

    return {"blocks": look_alikes(bridge.blocks.block_folders("PLC_1")),
            "types": [c.name for c in bridge.types.type_tree("PLC_1").children if c.is_folder],
            "tags": [c.name for c in bridge.tags.tag_table_tree("PLC_1").children if c.is_folder],
            "sources": look_alikes(bridge.blocks.external_source_folders("PLC_1"))}


_NO_OWN_FOLDERS: dict[str, list[str]] = {"blocks": [], "types": ["Software units"], "tags": ["Software units"],
                                         "sources": []}


def _table(name: str, tag: str) -> bytes:
    from tests.bridge.tag_table_doc import tag_table_doc

    return bytes(tag_table_doc(name=name, tag=tag, data_type="Bool").data)


def test_documents_imported_with_a_unit_folder_go_into_the_unit(unit: Any) -> None:
    documents = [
        ProgramDocument(source="FB_Roll.xml", data=fb_xml("FB_Roll", 3, "Conveyor2"),
                        folder="Software units/Conveyor2/Motors"),
        ProgramDocument(source="FB_Top.xml", data=fb_xml("FB_Top", 4, "Conveyor2"), folder="Software units/Conveyor2"),
        ProgramDocument(source="UDT_Roll.xml", data=udt_xml("UDT_Roll", "Conveyor2"),
                        folder="Software units/Conveyor2/Shared/Drives"),
        ProgramDocument(source="Roll tags.xml", data=_table("Roll tags", "RollRunning"),
                        folder="Software units/Conveyor2/IO"),
    ]
    reports = unit.program.import_program_documents("PLC_1", documents, overwrite=False)
    assert [r.status for r in reports] == ["Imported"] * 4
    blocks = {b.name: b.folder for b in unit.blocks.list_blocks("PLC_1")}
    assert blocks == {"Main": "", "Conveyor2.FB_Belt": "Software units/Conveyor2/Motors",
                      "Conveyor2.FB_Roll": "Software units/Conveyor2/Motors",
                      "Conveyor2.FB_Top": "Software units/Conveyor2"}
    assert [(t.name, t.folder) for t in unit.types.list_types("PLC_1")] == [
        ("Conveyor2.UDT_Roll", "Software units/Conveyor2/Shared/Drives")]
    tables = {t.name: t.folder for t in unit.tags.list_tag_tables("PLC_1")}
    assert tables["Roll tags"] == "Software units/Conveyor2/IO"
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_a_unit_block_exported_and_imported_back_with_its_folder_stays_in_the_unit(unit: Any) -> None:
    [listed] = [b for b in unit.blocks.list_blocks("PLC_1") if b.name != "Main"]  # not the PLC's OB1
    data = unit.program.export_program_object("PLC_1", listed.name)
    document = ProgramDocument(source="FB_Belt.xml", data=data, folder=listed.folder)
    # The document is named as listed (Namespace.Name): taken without overwrite, its own number with it
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", unit.program.import_program_documents, "PLC_1", [document],
                overwrite=False)
    [report] = unit.program.import_program_documents("PLC_1", [document], overwrite=True)
    assert (report.status, report.name) == ("Imported", "Conveyor2.FB_Belt")
    assert [(b.name, b.folder) for b in unit.blocks.list_blocks("PLC_1")] == [
        ("Main", ""), ("Conveyor2.FB_Belt", "Software units/Conveyor2/Motors")]
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_a_unit_tag_table_overwritten_with_its_folder_stays_in_the_unit(unit: Any) -> None:
    import StandIn.Control as control

    control.Units.AddTagTable(int(unit.session_status().pid), "PLC_1", "Conveyor2", "IO", "Belt tags")
    document = ProgramDocument(source="Belt tags.xml", data=_table("Belt tags", "BeltRunning"),
                               folder="Software units/Conveyor2/IO")
    [report] = unit.program.import_program_documents("PLC_1", [document], overwrite=True)
    assert report.status == "Imported"
    tables = {t.name: (t.folder, t.tag_count) for t in unit.tags.list_tag_tables("PLC_1")}
    assert tables["Belt tags"] == ("Software units/Conveyor2/IO", 1)
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_a_unit_folder_matches_whatever_its_case(unit: Any) -> None:
    # TIA keeps group names unique case-insensitively: "software units/conveyor2" can only mean the unit's folder.
    document = ProgramDocument(source="FB_Roll.xml", data=fb_xml("FB_Roll", 3, "Conveyor2"),
                               folder="software units/CONVEYOR2/Motors")
    unit.program.import_program_documents("PLC_1", [document], overwrite=False)
    assert unit.blocks.get_block("PLC_1", "Conveyor2.FB_Roll").folder == "Software units/Conveyor2/Motors"
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_an_import_into_a_unit_the_plc_lacks_is_refused_naming_its_units(unit: Any) -> None:
    document = ProgramDocument(source="FB_Roll.xml", data=fb_xml("FB_Roll", 3), folder="Software units/Nope/Motors")
    err = raises_code(e.ValidationError, "FOLDER_NOT_FOUND", unit.program.import_program_documents, "PLC_1",
                      [document], overwrite=False)
    assert "'Conveyor2'" in err.message
    assert err.details["units"] == ["Conveyor2"]
    document = ProgramDocument(source="FB_Roll.xml", data=fb_xml("FB_Roll", 3), folder="Software units")
    raises_code(e.ValidationError, "FOLDER_NOT_FOUND", unit.program.import_program_documents, "PLC_1", [document],
                overwrite=False)
    assert [b.name for b in unit.blocks.list_blocks("PLC_1")] == ["Main", "Conveyor2.FB_Belt"]
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_on_a_cpu_without_units_a_software_units_folder_is_a_plain_folder(unit: Any) -> None:
    # An S7-1200 has no units (GetService<PlcUnitProvider>() is null): the folder is the PLC's own, as in the fake.
    from tests.bridge.unit_docs import S7_1200

    unit.devices.add_device(S7_1200, None, "PLC_2")
    document = ProgramDocument(source="FB_Small.xml", data=fb_xml("FB_Small", 5), folder="Software units/U1")
    unit.program.import_program_documents("PLC_2", [document], overwrite=False)
    assert [(b.name, b.folder) for b in unit.blocks.list_blocks("PLC_2")] == [
        ("Main", ""), ("FB_Small", "Software units/U1")]
    assert unit.blocks.block_folders("PLC_2") == ["Software units", "Software units/U1"]


def test_blocks_generated_from_source_with_a_unit_folder_go_into_the_unit(unit: Any) -> None:
    text = 'FUNCTION "FC_Scale" : Void\nBEGIN\nEND_FUNCTION\n'
    unit.blocks.generate_blocks_from_source("PLC_1", "Scale.scl", text, version="V19", overwrite=False,
                                            folder="Software units/Conveyor2/Calc")
    assert unit.blocks.get_block("PLC_1", "FC_Scale").folder == "Software units/Conveyor2/Calc"
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_folders_made_with_a_unit_folder_are_the_units(unit: Any) -> None:
    made = [unit.blocks.create_block_folder("PLC_1", "Software units/Conveyor2/Drives"),
            unit.blocks.create_external_source_folder("PLC_1", "Software units/Conveyor2/Src"),
            unit.types.add_type_folder("PLC_1", "software units/conveyor2/Shared"),
            unit.tags.create_tag_table_folder("PLC_1", "Software units/Conveyor2/IO").path]
    assert made == ["Software units/Conveyor2/Drives", "Software units/Conveyor2/Src",
                    "Software units/Conveyor2/Shared", "Software units/Conveyor2/IO"]
    assert _own_folders(unit) == _NO_OWN_FOLDERS
    # The unit's groups are there: made again, they exist; the unit's own folder always does
    raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", unit.blocks.create_block_folder, "PLC_1",
                "Software units/Conveyor2/drives")
    raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", unit.types.add_type_folder, "PLC_1", "Software units/Conveyor2")
    err = raises_code(e.ValidationError, "FOLDER_NOT_FOUND", unit.blocks.add_external_source, "PLC_1", "A.scl", "",
                      folder="Software units/Conveyor2/Other", overwrite=False)
    assert "'Software units/Conveyor2/Other'" in err.message
    source = unit.blocks.add_external_source("PLC_1", "Belt.scl", "", folder="Software units/Conveyor2/Src",
                                             overwrite=False)
    assert source.folder == "Software units/Conveyor2/Src"
    assert [(s.name, s.folder) for s in unit.blocks.list_external_sources("PLC_1")] == [
        ("Belt.scl", "Software units/Conveyor2/Src")]


def test_new_tag_tables_and_types_with_a_unit_folder_go_into_the_unit(unit: Any) -> None:
    table = unit.tags.create_tag_table("PLC_1", "Belt tags", folder="Software units/Conveyor2/IO")
    assert table.folder == "Software units/Conveyor2/IO"
    details = unit.types.import_type("PLC_1", udt_xml("UDT_Roll", "Conveyor2"),
                                     folder="Software units/Conveyor2/Shared", overwrite=False, source="UDT_Roll.xml")
    assert details.folder == "Software units/Conveyor2/Shared"
    # Imported again without a folder, it stays where it is (its folder as listed is the unit's)
    unit.types.import_type("PLC_1", udt_xml("UDT_Roll", "Conveyor2", "Real"), folder="", overwrite=True,
                           source="UDT_Roll.xml")
    assert {t.name: t.folder for t in unit.tags.list_tag_tables("PLC_1")}["Belt tags"] == "Software units/Conveyor2/IO"
    assert [(t.name, t.folder) for t in unit.types.list_types("PLC_1")] == [
        ("Conveyor2.UDT_Roll", "Software units/Conveyor2/Shared")]
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_tags_imported_along_a_unit_path_make_their_table_in_the_unit(unit: Any) -> None:
    from engineering_api.backend.areas.tags import TagImportRow

    row = TagImportRow(row=2, name="BeltRunning", data_type="Bool", logical_address="%I0.0",
                       table_name="Software units/Conveyor2/IO/Belt tags")
    checked = unit.tag_import.import_tags("PLC_1", [row], [], table="Default tag table", follow_path=True,
                                          overwrite=False, validate_only=True)
    assert checked.created_tables == ["Belt tags"]
    unit.tag_import.import_tags("PLC_1", [row], [], table="Default tag table", follow_path=True, overwrite=False)
    assert {t.name: t.folder for t in unit.tags.list_tag_tables("PLC_1")}["Belt tags"] == "Software units/Conveyor2/IO"
    assert [t.name for t in unit.tags.list_tags("PLC_1", "Belt tags")] == ["BeltRunning"]
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_every_way_of_making_into_a_unit_the_plc_lacks_is_refused(unit: Any) -> None:
    from engineering_api.backend.areas.tags import TagImportRow

    nope = "Software units/Nope/X"
    row = TagImportRow(row=2, name="Run", data_type="Bool", logical_address="%I0.0", table_name=f"{nope}/T")
    for call in (
        lambda: unit.blocks.create_block_folder("PLC_1", nope),
        lambda: unit.blocks.create_external_source_folder("PLC_1", nope),
        lambda: unit.blocks.add_external_source("PLC_1", "A.scl", "", folder=nope, overwrite=False),
        lambda: unit.types.add_type_folder("PLC_1", nope),
        lambda: unit.types.import_type("PLC_1", udt_xml("UDT_Roll", ""), folder=nope, overwrite=False, source="U.xml"),
        lambda: unit.tags.create_tag_table_folder("PLC_1", nope),
        lambda: unit.tags.create_tag_table("PLC_1", "T", folder=nope),
        lambda: unit.tag_import.import_tags("PLC_1", [row], [], table="Default tag table", follow_path=True,
                                            overwrite=False, validate_only=True),
        lambda: unit.tag_import.import_tags("PLC_1", [row], [], table="Default tag table", follow_path=True,
                                            overwrite=False),
    ):
        err = raises_code(e.ValidationError, "FOLDER_NOT_FOUND", call)
        assert err.details["units"] == ["Conveyor2"]
    assert _own_folders(unit) == _NO_OWN_FOLDERS


def test_a_units_empty_folders_outlast_a_save_and_reopen(unit: Any) -> None:
    # TIA keeps empty user groups; the stand-in's project file keeps a unit's (UnitRecords) as it does the PLC's.
    unit.blocks.create_block_folder("PLC_1", "Software units/Conveyor2/Drives/Empty")
    unit.tags.create_tag_table_folder("PLC_1", "Software units/Conveyor2/IO")
    path = Path(unit.save_project().path)
    unit.close_project()
    unit.open_project(path)
    raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", unit.blocks.create_block_folder, "PLC_1",
                "Software units/Conveyor2/Drives/Empty")
    raises_code(e.AlreadyExistsError, "FOLDER_EXISTS", unit.tags.create_tag_table_folder, "PLC_1",
                "Software units/Conveyor2/IO")
    assert unit.blocks.get_block("PLC_1", "Conveyor2.FB_Belt").folder == "Software units/Conveyor2/Motors"


def test_a_units_folders_are_listed_and_deleted_with_what_they_hold(unit: Any) -> None:
    import StandIn.Control as control

    pid = int(unit.session_status().pid)
    unit.blocks.create_block_folder("PLC_1", "Drives")
    unit.blocks.create_external_source_folder("PLC_1", "Software units/Conveyor2/Src")
    control.Units.AddType(pid, "PLC_1", "Conveyor2", "Shared", udt_xml("UDT_Belt", "Conveyor2"))
    control.Units.AddTagTable(pid, "PLC_1", "Conveyor2", "IO/Inputs", "Belt tags")
    assert unit.blocks.block_folders("PLC_1") == ["Drives", "Software units/Conveyor2/Motors"]
    assert unit.blocks.external_source_folders("PLC_1") == ["Software units/Conveyor2/Src"]
    removal = unit.blocks.delete_block_folder("PLC_1", "software units/Conveyor2/Motors")
    assert (removal.folder, removal.removed) == ("Software units/Conveyor2/Motors", ["Conveyor2.FB_Belt"])
    assert [b.name for b in unit.blocks.list_blocks("PLC_1")] == ["Main"]  # the PLC's OB1
    unit.blocks.add_external_source("PLC_1", "Belt.scl", "", folder="Software units/Conveyor2/Src", overwrite=False)
    assert unit.blocks.delete_external_source_folder("PLC_1", "Software units/Conveyor2/Src").removed == ["Belt.scl"]
    assert unit.blocks.list_external_sources("PLC_1") == []
    assert unit.types.delete_type_folder("PLC_1", "Software units/Conveyor2/Shared", force=False).deleted == [
        "Conveyor2.UDT_Belt"]
    assert unit.tags.delete_tag_table_folder("PLC_1", "Software units/Conveyor2/IO") == ["Belt tags"]
    assert unit.blocks.block_folders("PLC_1") == ["Drives"]
    assert unit.types.list_types("PLC_1") == []
    assert "Belt tags" not in {t.name for t in unit.tags.list_tag_tables("PLC_1")}
    # A unit is no folder: it is not deleted through the folder methods
    raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", unit.blocks.delete_block_folder, "PLC_1",
                "Software units/Conveyor2")
    raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", unit.tags.delete_tag_table_folder, "PLC_1",
                "Software units/Nope/IO")


def _tree(node: Any) -> list[str]:
    """The paths of ``node``'s descendants, depth first in the tree's order, a folder's ending in ``/``; checks that
    each node is named by its path's last part."""
    paths = []
    for child in node.children:
        assert child.name == child.path.rpartition("/")[2]
        paths += [child.path + "/" * child.is_folder, *_tree(child)]
    return paths


def test_a_units_type_folders_and_types_show_in_the_type_tree_as_listed(unit: Any) -> None:
    unit.types.add_type_folder("PLC_1", "Software units/Conveyor2/Shared/Empty")
    unit.types.import_type("PLC_1", udt_xml("UDT_Roll", "Conveyor2"), folder="Software units/Conveyor2/Shared",
                           overwrite=False, source="UDT_Roll.xml")
    unit.types.import_type("PLC_1", udt_xml("UDT_Own", ""), folder="", overwrite=False, source="UDT_Own.xml")
    shared = "Software units/Conveyor2/Shared"
    tree = _tree(unit.types.type_tree("PLC_1"))
    assert tree == ["UDT_Own", "Software units/", "Software units/Conveyor2/", f"{shared}/", f"{shared}/Empty/",
                    f"{shared}/Conveyor2.UDT_Roll"]
    # Each UDT's path is its folder and name as list_types gives them (Namespace.Name in the unit)
    assert [p for p in tree if not p.endswith("/")] == [
        f"{t.folder}/{t.name}".lstrip("/") for t in unit.types.list_types("PLC_1")]


def test_a_units_tag_tables_and_folders_show_in_the_tag_table_tree_with_their_tags(unit: Any) -> None:
    from engineering_api.backend.areas.tags import TagSpec

    unit.tags.create_tag_table_folder("PLC_1", "Software units/Conveyor2/IO/Spare")
    unit.tags.create_tag_table("PLC_1", "Belt tags", folder="Software units/Conveyor2/IO")
    unit.tags.create_tag("PLC_1", "Belt tags", TagSpec(name="BeltRunning", data_type="Bool", logical_address="%I0.0"))
    tree = unit.tags.tag_table_tree("PLC_1")
    io = "Software units/Conveyor2/IO"
    assert _tree(tree) == ["Default tag table", "Software units/", "Software units/Conveyor2/", f"{io}/",
                           f"{io}/Spare/", f"{io}/Belt tags"]
    belt = tree.children[1].children[0].children[0].children[1]
    assert (belt.path, belt.tag_count, belt.is_default) == (f"{io}/Belt tags", 1, False)
    listed = [(f"{t.folder}/{t.name}".lstrip("/"), t.tag_count) for t in unit.tags.list_tag_tables("PLC_1")]
    assert listed == [("Default tag table", 0), (f"{io}/Belt tags", 1)]


def test_the_trees_of_a_cpu_without_units_have_no_software_units_folder(unit: Any) -> None:
    # An S7-1200 has no units: its "Software units/U1" is a plain folder of its own, as in the fake
    from tests.bridge.unit_docs import S7_1200

    unit.devices.add_device(S7_1200, None, "PLC_2")
    unit.types.add_type_folder("PLC_2", "Drives")
    unit.tags.create_tag_table_folder("PLC_2", "Software units/U1")
    assert _tree(unit.types.type_tree("PLC_2")) == ["Drives/"]
    assert _tree(unit.tags.tag_table_tree("PLC_2")) == ["Software units/", "Software units/U1/", "Default tag table"]
    # PLC_1's units do not show in PLC_2's trees, nor PLC_2's folders in PLC_1's
    assert _tree(unit.types.type_tree("PLC_1")) == ["Software units/", "Software units/Conveyor2/"]


def test_the_dry_run_of_deleting_a_unit_refuses_it_as_the_delete_does(unit: Any) -> None:
    # The trees show the units' nodes as SoftwareUnits/SoftwareUnit, no folders: the folder deletes' dry runs read
    # their folders from the trees, so they refuse a unit as the deletes do, and plan a unit's real folder
    from types import SimpleNamespace

    from engineering_api.domain import types as udt_calls
    from engineering_api.domain.tags.previews import preview_folder_delete
    from engineering_api.domain.tags.schemas import FolderInput
    from engineering_api.domain.types import DeleteFolderInput

    delete_udt_folder = next(op for op in udt_calls.OPERATIONS if op.name == "udts.folders.delete")
    assert delete_udt_folder.preview is not None
    preview_udt_folder_delete = delete_udt_folder.preview

    unit.types.add_type_folder("PLC_1", "Software units/Conveyor2/Shared")
    unit.tags.create_tag_table_folder("PLC_1", "Software units/Conveyor2/IO")
    for tree in (unit.types.type_tree("PLC_1"), unit.tags.tag_table_tree("PLC_1")):
        units = tree.children[-1]
        assert (units.node_type, units.children[0].node_type) == ("SoftwareUnits", "SoftwareUnit")
    ctx: Any = SimpleNamespace(backend=unit)  # a preview reads only the backend
    for path in ("Software units", "Software units/Conveyor2"):
        raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", preview_udt_folder_delete, ctx,
                    DeleteFolderInput(device_name="PLC_1", folder_path=path))
        raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", unit.types.delete_type_folder, "PLC_1", path, force=False)
        raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", preview_folder_delete, ctx,
                    FolderInput(device_name="PLC_1", folder_path=path))
        raises_code(e.NotFoundError, "FOLDER_NOT_FOUND", unit.tags.delete_tag_table_folder, "PLC_1", path)
    shared = DeleteFolderInput(device_name="PLC_1", folder_path="Software units/Conveyor2/Shared")
    planned = preview_udt_folder_delete(ctx, shared)
    assert [c.name for c in planned.changes] == ["Software units/Conveyor2/Shared"]
    planned = preview_folder_delete(ctx, FolderInput(device_name="PLC_1", folder_path="Software units/Conveyor2/IO"))
    assert [c.name for c in planned.changes] == ["Software units/Conveyor2/IO"]
