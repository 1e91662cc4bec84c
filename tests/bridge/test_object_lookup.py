"""What looking up one PLC data type, tag table or external source costs over the stand-in, counted in calls (in TIA
each property read or method call on such an object is a call into the portal's process): ``Find`` in each group,
so a lookup grows with the groups of the PLC and its units, not with their objects (as a block's:
test_block_lookup.py). ``StandIn.Control.Calls`` counts the stand-in's ``Name`` reads and each composition's ``Find``.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code

GROUPS = ("", "Motors", "Motors/Conveyor", "Valves")
"""The system group and the user groups the objects are spread over, in the order a walk visits them."""
PER_GROUP = 10
"""Objects of each kind in each group of the PLC's own tree: 40 in all."""
UNIT = "Line"
"""The software unit that holds a UDT, a tag table and an external source (in its user group ``Cells``)."""


def _name(prefix: str, group: str, index: int) -> str:
    return f"{prefix}_{group.replace('/', '_') or 'Root'}_{index}"


def _udt(name: str, namespace: str | None = None) -> bytes:
    spec: dict[str, Any] = {"blockType": "UDT", "name": name,
                            "interface": {"None": [{"name": "Speed", "dataType": "Int"}]}}
    if namespace is not None:
        spec["namespace"] = namespace
    return generate_xml(spec, "V19")


@pytest.fixture
def calls(plc: Any) -> Any:
    """``PLC_1`` with 40 UDTs (the last of each group imported, so with a document), 40 FBs, 40 tag tables
    (besides the default one) and 40 external sources in the four :data:`GROUPS`, and the unit ``Line`` holding the
    UDT ``Line.UDT_Cell``, the tag table ``Cell tags`` and the source ``Cell.scl`` in its group ``Cells``; returns
    ``StandIn.Control.Calls``, cleared."""
    import StandIn.Control as control

    pid = int(plc.session_status().pid)
    for group in GROUPS[1:]:
        plc.tags.create_tag_table_folder("PLC_1", group)
        plc.blocks.create_external_source_folder("PLC_1", group)
    for group in GROUPS:
        for index in range(PER_GROUP):
            udt = _name("UDT", group, index)
            if index == PER_GROUP - 1:  # the last of each group with a document (for its export and update)
                plc.types.import_type("PLC_1", _udt(udt), folder=group, overwrite=False, source=udt)
            else:
                control.Program.AddType(pid, "PLC_1", group, udt)
            control.Program.AddBlock(pid, "PLC_1", group, _name("FB", group, index))
            plc.tags.create_tag_table("PLC_1", _name("Tags", group, index), group)
            plc.blocks.add_external_source("PLC_1", f"{_name('Src', group, index)}.scl", "", folder=group,
                                           overwrite=False)
    control.Units.AddUnit(pid, "PLC_1", UNIT, False)
    control.Units.AddType(pid, "PLC_1", UNIT, "Cells", _udt("UDT_Cell", UNIT))
    control.Units.AddTagTable(pid, "PLC_1", UNIT, "Cells", "Cell tags")
    control.Units.AddExternalSource(pid, "PLC_1", UNIT, "Cells", "Cell.scl", "")
    control.Calls.Clear()
    return control.Calls


def test_exporting_a_udt_calls_find_per_group_and_reads_no_other_udt(plc: Any, calls: Any) -> None:
    last = _name("UDT", "Valves", PER_GROUP - 1)
    assert last.encode() in plc.types.export_type("PLC_1", last)
    # Its own Name read to check the match (the old code read the names of all 40) and a Find per group up to its own
    assert (calls.Of("PlcType.Name"), calls.Of("PlcTypeComposition.Find")) == (1, len(GROUPS))
    calls.Clear()
    # A unit's UDT by its qualified name: every group of the PLC's own tree, then the unit's two groups, each asked
    # for "Line.UDT_Cell" and "UDT_Cell" (which one a unit's Find takes is not documented)
    assert b"UDT_Cell" in plc.types.export_type("PLC_1", f"{UNIT}.UDT_Cell")
    assert (calls.Of("PlcType.Name"), calls.Of("PlcTypeComposition.Find")) == (1, len(GROUPS) + 2 * 2)
    calls.Clear()
    # Find compares the exact name, as the listing does: another case is no match; the miss reads every UDT
    raises_code(e.NotFoundError, "UDT_NOT_FOUND", plc.types.export_type, "PLC_1", _name("UDT", "Valves", 0).lower())
    assert calls.Of("PlcType.Name") >= len(GROUPS) * PER_GROUP


def test_updating_a_udt_without_changing_its_interface_reads_the_blocks_once(plc: Any, calls: Any) -> None:
    name = _name("UDT", "Motors", PER_GROUP - 1)
    result = plc.types.update_type("PLC_1", name, _udt(name))
    assert (result.interface_changed, result.udt.folder) == (False, "Motors")
    # The blocks are read for the updated UDT's users only (the old code read them before the import too)
    assert calls.Of("PlcBlock.Name") == len(GROUPS) * PER_GROUP + 1  # and Main, the PLC's OB1


def test_a_tag_table_is_found_with_a_find_per_group(plc: Any, calls: Any) -> None:
    last = _name("Tags", "Valves", PER_GROUP - 1)
    assert last.encode() in plc.tags.export_tag_table_xml("PLC_1", last)
    # Its own Name read to check the match (the old code read every table's: 41 of the PLC's, 1 of the unit's)
    assert calls.Of("PlcTagTable.Name") == 1
    assert calls.Of("PlcTagTableComposition.Find") == len(GROUPS)
    calls.Clear()
    assert plc.tags.list_tags("PLC_1", "Cell tags") == []
    assert calls.Of("PlcTagTable.Name") == 1
    assert calls.Of("PlcTagTableComposition.Find") == len(GROUPS) + 2
    calls.Clear()
    # Another case than the table's is no match for Find: the exact spelling's absence is known by reading them all
    name = _name("Tags", "Motors", 3)
    assert name.encode() in plc.tags.export_tag_table_xml("PLC_1", name.upper())
    assert calls.Of("PlcTagTable.Name") >= len(GROUPS) * PER_GROUP


def test_an_external_source_is_found_with_a_find_per_group(plc: Any, calls: Any) -> None:
    assert plc.blocks.delete_external_source("PLC_1", "Cell.scl").folder == f"Software units/{UNIT}/Cells"
    # Only the source found is read (the old code read all 41 names); the PLC's groups and the unit's two are asked
    assert calls.Of("PlcExternalSource.Name") == 1
    assert calls.Of("PlcExternalSourceComposition.Find") == len(GROUPS) + 2
    raises_code(e.NotFoundError, "SOURCE_NOT_FOUND", plc.blocks.delete_external_source, "PLC_1", "Cell.scl")


def test_a_forced_delete_reads_its_users_consistency_by_name(plc: Any, calls: Any) -> None:
    import StandIn.Control as control

    used = _name("UDT", "Motors", PER_GROUP - 1)
    plc.types.import_type("PLC_1", generate_xml({
        "blockType": "UDT", "name": "UDT_User", "interface": {"None": [{"name": "Motor", "dataType": f'"{used}"'}]},
    }, "V19"), folder="Valves", overwrite=False, source="user")
    fb = {"blockType": "FB", "name": "FB_User", "language": "SCL", "number": 900, "networks": [{"scl": ""}],
          "namespace": UNIT, "interface": {"Static": [{"name": "motor", "dataType": f'"{used}"'}]}}
    control.Units.AddBlock(int(plc.session_status().pid), "PLC_1", UNIT, "Cells", generate_xml(fb, "V19"))
    calls.Clear()
    result = plc.types.delete_type("PLC_1", used, force=True)
    assert sorted((u.name, u.kind, u.is_consistent) for u in result.orphaned_users) == [
        (f"{UNIT}.FB_User", "FB", False), ("UDT_User", "UDT", False)]
    # Every block (the 40, the PLC's Main and FB_User) is read once, for the users before the delete; afterwards
    # only FB_User, found by name for its consistency (the old code read all 42 again)
    assert calls.Of("PlcBlock.Name") == len(GROUPS) * PER_GROUP + 2 + 1
