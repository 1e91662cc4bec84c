"""PLC data types over the stand-in: members and users read from exported SimaticML, consistency as TIA reports
it (``IsConsistent``), folders created level by level, and every change all-or-nothing inside ``_change``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code


def _udt(name: str, *members: tuple[str, str]) -> bytes:
    spec = {"blockType": "UDT", "name": name, "interface": {"None": [{"name": n, "dataType": t} for n, t in members]}}
    return generate_xml(spec, "V19")


def _db(name: str, datatype: str, number: int) -> ProgramDocument:
    spec = {"blockType": "GlobalDB", "name": name, "number": number,
            "interface": {"Static": [{"name": "X", "dataType": datatype}]}}
    return ProgramDocument(source=f"{name}.xml", data=generate_xml(spec, "V19"))


def test_a_changed_udt_makes_tia_report_its_users_inconsistent(plc: Any) -> None:
    plc.types.import_type("PLC_1", _udt("UDT_In", ("A", "Int")), folder="", overwrite=False, source="in")
    plc.types.import_type("PLC_1", _udt("UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="out")
    plc.program.import_program_documents("PLC_1", [_db("DB_Out", '"UDT_Out"', 1)], overwrite=False)
    result = plc.types.update_type("PLC_1", "UDT_In", _udt("UDT_In", ("A", "Int"), ("B", "Real")))
    assert {u.name: u.is_consistent for u in result.affected_users} == {"UDT_Out": False, "DB_Out": False}
    # The same verdict through the blocks area: PlcBlock.IsConsistent, not a flag of the bridge.
    assert plc.blocks.get_block("PLC_1", "DB_Out").consistent is False
    assert [m.name for m in result.udt.members] == ["A", "B"]


def test_a_failed_update_changes_nothing(plc: Any, faults: Any) -> None:
    plc.types.import_type("PLC_1", _udt("UDT_A", ("A", "Int")), folder="", overwrite=False, source="a")
    faults.ArmNext("Import", "TargetInvocation", "The import failed.", "The library is write-protected.", None)
    err = raises_code(e.ValidationError, "OPENNESS_REFUSED", plc.types.update_type, "PLC_1", "UDT_A",
                      _udt("UDT_A", ("B", "Int")))
    assert "The library is write-protected." in err.message
    assert [m.name for m in plc.types.get_type("PLC_1", "UDT_A").members] == ["A"]


def test_folders_are_created_level_by_level_and_kept_when_empty(plc: Any) -> None:
    details = plc.types.import_type("PLC_1", _udt("UDT_P", ("A", "Int")), folder="Motors/Pumps", overwrite=False,
                                    source="p")
    assert details.folder == "Motors/Pumps"
    plc.types.add_type_folder("PLC_1", "Empty")
    tree = plc.types.type_tree("PLC_1")
    assert [c.name for c in tree.children] == ["Empty", "Motors"]
    [pumps] = tree.children[1].children
    assert (pumps.path, pumps.children[0].path,
            pumps.children[0].is_consistent) == ("Motors/Pumps", "Motors/Pumps/UDT_P", True)
    path = Path(plc.save_project().path)
    plc.close_project()
    plc.open_project(path)
    assert [c.name for c in plc.types.type_tree("PLC_1").children] == ["Empty", "Motors"]


def test_a_forced_delete_leaves_users_inconsistent_across_save_and_reopen(plc: Any) -> None:
    plc.types.import_type("PLC_1", _udt("UDT_In", ("A", "Int")), folder="", overwrite=False, source="in")
    plc.types.import_type("PLC_1", _udt("UDT_Out", ("In", '"UDT_In"')), folder="", overwrite=False, source="out")
    result = plc.types.delete_type("PLC_1", "UDT_In", force=True)
    assert [(u.name, u.is_consistent) for u in result.orphaned_users] == [("UDT_Out", False)]
    path = Path(plc.save_project().path)
    plc.close_project()
    plc.open_project(path)
    out = plc.types.get_type("PLC_1", "UDT_Out")
    assert (out.is_consistent, out.missing_types) == (False, ["UDT_In"])


def test_a_failed_type_delete_keeps_the_type(plc: Any, faults: Any) -> None:
    plc.types.import_type("PLC_1", _udt("UDT_A", ("A", "Int")), folder="", overwrite=False, source="a")
    faults.ArmNext("PlcType.Delete", "TargetInvocation", "Deleting failed.", "The type is in a library.", "inner")
    with pytest.raises(e.ConflictError) as info:
        plc.types.delete_type("PLC_1", "UDT_A", force=False)
    assert "The type is in a library." in info.value.message and "inner" in info.value.message
    assert [t.name for t in plc.types.list_types("PLC_1")] == ["UDT_A"]


def test_moving_a_udt_to_another_folder_on_overwrite(plc: Any) -> None:
    plc.types.import_type("PLC_1", _udt("UDT_A", ("A", "Int")), folder="Old", overwrite=False, source="a")
    moved = plc.types.import_type("PLC_1", _udt("UDT_A", ("B", "Int")), folder="New", overwrite=True, source="a")
    assert moved.folder == "New" and [m.name for m in moved.members] == ["B"]
    kept = plc.types.import_type("PLC_1", _udt("UDT_A", ("C", "Int")), folder="", overwrite=True, source="a")
    assert kept.folder == "New"  # no folder given: the UDT stays where it is
    assert [t.name for t in plc.types.list_types("PLC_1")] == ["UDT_A"]
