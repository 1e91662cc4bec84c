"""Watch and force tables over the stand-in: the Openness idioms the bridge relies on.

Groups are recursed (``Find`` is one level), entries change through export + ``Import(Override)`` inside one
transaction (a refused import leaves the table as it was), operands are resolved against the program exported
from TIA on every call, the force table has no ``Create``/``Delete`` in Openness, and tables live in the project
file (save/reopen keeps them, close discards unsaved ones).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend import models as m
from engineering_api.backend.areas.watch_tables import FORCE_TABLE, WATCH_TABLE, EntrySpec
from simatic_xml.generate import generate_xml
from simatic_xml.watchtables import read_table
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU


def _db(name: str, members: dict[str, str], number: int = 1) -> m.ProgramDocument:
    spec = {"blockType": "GlobalDB", "name": name, "number": number,
            "interface": {"Static": [{"name": k, "dataType": v} for k, v in members.items()]}}
    return m.ProgramDocument(source=f"{name}.xml", data=generate_xml(spec, "V19"))


@pytest.fixture
def plc(bridge: Any, tmp_path: Path) -> str:
    bridge.launch_portal(with_ui=False, version=None)
    bridge.create_project(tmp_path, "Line", author="", comment="")
    bridge.devices.add_device(CPU, None, "PLC_1")
    bridge.program.import_program_documents("PLC_1", [_db("Data", {"Speed": "Int", "On": "Bool"})], overwrite=False)
    return "PLC_1"


def test_tables_in_nested_groups_are_found_and_listed_with_their_folder(bridge: Any, plc: str) -> None:
    bridge.watch_tables.create_watch_force_folder(plc, "Line/Motors")
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "Deep", folder="Line/Motors",
                                    entries=[EntrySpec(name='"Data".Speed', comment="rpm")])
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "Top")
    listed = {t.name: (t.folder, t.entry_count) for t in bridge.watch_tables.list_watch_force_tables(plc, WATCH_TABLE)}
    assert listed == {"Top": ("", 0), "Deep": ("Line/Motors", 1)}
    deep = bridge.watch_tables.get_watch_force_table(plc, WATCH_TABLE, "deep")  # names are case-insensitive, as in TIA
    assert (deep.folder, deep.entries[0].comment, deep.entries[0].data_type) == ("Line/Motors", "rpm", "Int")
    exported = read_table(bridge.watch_tables.export_watch_force_table(plc, WATCH_TABLE, "Deep"))
    assert (exported.kind, exported.name,
            [r.operand for r in exported.entries]) == (WATCH_TABLE, "Deep", ['"Data".Speed'])


def test_a_refused_import_rolls_the_whole_entry_change_back(bridge: Any, plc: str, faults: Any) -> None:
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "W", entries=[EntrySpec(name='"Data".Speed')])
    faults.ArmNext("PlcWatchTableComposition.Import", "TargetInvocation", "The import failed.", "Disk full.",
                   "inner cause")
    refused = raises_code(e.ValidationError, "OPENNESS_REFUSED", bridge.watch_tables.add_watch_force_entries, plc,
                          WATCH_TABLE, "W", [EntrySpec(name='"Data".On')])
    assert "Disk full." in refused.message and "inner cause" in refused.message
    table = bridge.watch_tables.get_watch_force_table(plc, WATCH_TABLE, "W")
    assert [x.name for x in table.entries] == ['"Data".Speed']


def test_overwriting_into_another_folder_is_all_or_nothing(bridge: Any, plc: str, faults: Any) -> None:
    bridge.watch_tables.create_watch_force_folder(plc, "A")
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "W", entries=[EntrySpec(name="%MW2")])
    xml = bridge.watch_tables.export_watch_force_table(plc, WATCH_TABLE, "W")
    # Delete() of the old table succeeds, then the import is refused: the deletion must be rolled back.
    faults.ArmNext("PlcWatchTableComposition.Import", "TargetInvocation", "The import failed.", "Locked.", None)
    with pytest.raises(e.EngineeringError):
        bridge.watch_tables.import_watch_force_table(plc, xml, folder="A", overwrite=True)
    assert [(t.name, t.folder) for t in bridge.watch_tables.list_watch_force_tables(plc, WATCH_TABLE)] == [("W", "")]
    moved = bridge.watch_tables.import_watch_force_table(plc, xml, folder="A", overwrite=True)
    assert (moved.folder, [x.name for x in moved.entries]) == ("A", ["%MW2"])


def test_operands_are_checked_in_python_before_tia_is_asked(bridge: Any, plc: str, faults: Any) -> None:
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "W")
    faults.ArmNext("PlcWatchTableComposition.Import", "TargetInvocation", "must not be reached", "", None)
    bad = raises_code(e.ValidationError, "INVALID_OPERAND", bridge.watch_tables.add_watch_force_entries, plc,
                      WATCH_TABLE, "W", [EntrySpec(name='"Data".Nope')])
    assert bad.details["operands"][0]["operand"] == '"Data".Nope'
    faults.Clear()


def test_operands_are_resolved_against_the_program_as_tia_holds_it_now(bridge: Any, plc: str) -> None:
    made = bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "W", entries=[EntrySpec(name='"Later".X')],
                                           allow_invalid=True)
    assert made.is_consistent is False and made.entries[0].is_valid is False
    bridge.program.import_program_documents(plc, [_db("Later", {"X": "Real"}, 2)], overwrite=False)
    # nothing cached: the new DB is exported and read
    now = bridge.watch_tables.get_watch_force_table(plc, WATCH_TABLE, "W")
    assert now.is_consistent is True and now.entries[0].data_type == "Real"
    assert bridge.watch_tables.list_watch_force_tables(plc, WATCH_TABLE)[0].is_consistent is True


def test_the_force_table_is_imported_and_cannot_be_deleted(bridge: Any, plc: str) -> None:
    from Siemens.Engineering.SW.WatchAndForceTables import (
        PlcForceTable,
        PlcForceTableComposition,
        PlcWatchTable,
        PlcWatchTableComposition,
    )

    # The shape the bridge works with (15.1/17.0 stubs): no Create for force tables, no Delete on them.
    assert not hasattr(PlcForceTableComposition, "Create") and hasattr(PlcWatchTableComposition, "Create")
    assert not hasattr(PlcForceTable, "Delete") and hasattr(PlcWatchTable, "Delete")
    made = bridge.watch_tables.create_watch_force_table(plc, FORCE_TABLE, "Force",
                                                        entries=[EntrySpec(name="%I0.0:P", force_value=True)])
    assert (made.kind, made.entries[0].force_value, made.entries[0].force_intention) == (FORCE_TABLE, "TRUE", True)
    refused = raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", bridge.watch_tables.delete_watch_force_table,
                          plc, FORCE_TABLE, "Force")
    assert "no Delete" in refused.message
    assert bridge.watch_tables.clear_watch_force_entries(plc, FORCE_TABLE, "Force").entries == []


def test_tables_are_saved_with_the_project_and_discarded_on_close(bridge: Any, plc: str, tmp_path: Path) -> None:
    bridge.watch_tables.create_watch_force_folder(plc, "A")
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "Kept", folder="A",
                                                 entries=[EntrySpec(name="%MW2", comment="x")])
    path = Path(bridge.save_project().path)
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "Unsaved")
    bridge.close_project()
    bridge.open_project(path)
    [kept] = bridge.watch_tables.list_watch_force_tables(plc, WATCH_TABLE)
    assert (kept.name, kept.folder, kept.entry_count) == ("Kept", "A", 1)
    assert bridge.watch_tables.get_watch_force_table(plc, WATCH_TABLE, "Kept").entries[0].comment == "x"


def test_folders_delete_with_their_tables_and_forcing_has_no_openness_equivalent(bridge: Any, plc: str) -> None:
    bridge.watch_tables.create_watch_force_folder(plc, "A/B")
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "In_B", folder="A/B")
    bridge.watch_tables.create_watch_force_table(plc, WATCH_TABLE, "In_A", folder="A")
    raises_code(e.ValidationError, "INVALID_FOLDER", bridge.watch_tables.create_watch_force_folder, plc, "A//B")
    assert bridge.watch_tables.delete_watch_force_folder(plc, "A").removed == ["In_A", "In_B"]
    assert bridge.watch_tables.list_watch_force_tables(plc, WATCH_TABLE) == []
    for call in (lambda: bridge.watch_tables.start_forcing(plc, "F", confirm=True),
                 lambda: bridge.watch_tables.stop_forcing(plc, "F")):
        missing = raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", call)
        assert "Openness has no member" in missing.message


def test_tag_operands_resolve_through_the_tag_tables_exported_from_tia(bridge: Any, plc: str) -> None:
    from engineering_api.backend.areas.tags import TagSpec

    bridge.tags.create_tag_table(plc, "IO")
    bridge.tags.create_tag(plc, "IO", TagSpec(name="Start", data_type="Bool", logical_address="%I0.0"))
    bridge.tags.create_tag(plc, "IO", TagSpec(name="Flag", data_type="Bool", logical_address="%M0.0"))
    made = bridge.watch_tables.create_watch_force_table(plc, FORCE_TABLE, "Force",
                                                        entries=[EntrySpec(name='"Start"', force_value=True)])
    assert (made.entries[0].is_valid, made.entries[0].data_type, made.entries[0].address) == (True, "Bool", "%I0.0")
    memory = raises_code(e.ValidationError, "NOT_FORCEABLE", bridge.watch_tables.add_watch_force_entries, plc,
                         FORCE_TABLE, "Force", [EntrySpec(name='"Flag"')])  # a tag at a memory address cannot be forced
    assert memory.details["operands"] == ['"Flag"']
