"""What looking up one block or PLC data type costs over the stand-in, counted in calls (in TIA each property read or
method call on a block is a call into the portal's process): ``Find`` in each group, so a lookup grows with the
groups of the PLC, not with its blocks. ``StandIn.Control.Calls`` counts the stand-in's ``PlcBlock.Name``,
``PlcType.Name``, ``GetAttribute`` reads and each composition's ``Find``.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code

GROUPS = ("", "Motors", "Motors/Conveyor", "Valves", "Drives")
"""The system group and the user groups the blocks are spread over, in the order a walk visits them."""
PER_GROUP = 40
"""Blocks in each group: 200 in all."""
UNIT_BLOCKS = 60


def _block(group: str, index: int) -> str:
    return f"FB_{group.replace('/', '_') or 'Root'}_{index}"


@pytest.fixture
def calls(plc: Any) -> Any:
    """``PLC_1`` with 200 blocks in five groups, 20 PLC data types in two, and the unit ``Line`` holding 60 blocks in
    the namespace ``Line``, one in ``Line.Motors``; returns ``StandIn.Control.Calls``, cleared."""
    import StandIn.Control as control

    pid = int(plc.session_status().pid)
    for group in GROUPS:
        for index in range(PER_GROUP):
            control.Program.AddBlock(pid, "PLC_1", group, _block(group, index))
    for index in range(20):
        control.Program.AddType(pid, "PLC_1", "Shared" if index % 2 else "", f"UDT_{index}")
    control.Units.AddUnit(pid, "PLC_1", "Line", False)
    for index in range(UNIT_BLOCKS):
        spec = {"blockType": "FB", "name": f"FB_Unit_{index}", "language": "SCL", "number": 100 + index,
                "networks": [{"scl": ""}], "namespace": "Line.Motors" if index == UNIT_BLOCKS - 1 else "Line"}
        control.Units.AddBlock(pid, "PLC_1", "Line", "Cells" if index % 2 else "", generate_xml(spec, "V19"))
    control.Calls.Clear()
    return control.Calls


def test_getting_one_block_calls_find_per_group_and_reads_no_other_block(plc: Any, calls: Any) -> None:
    last = _block("Drives", PER_GROUP - 1)
    assert plc.blocks.get_block("PLC_1", last).folder == "Drives"
    # Its own Name read to check the match (not 200 reads) and one Find per group up to its own, the fifth
    assert calls.Of("PlcBlock.Name") == 1
    assert calls.Of("PlcBlockComposition.Find") == len(GROUPS)
    calls.Clear()
    plc.program.export_program_object("PLC_1", _block("Motors", 0))
    assert (calls.Of("PlcBlock.Name"), calls.Of("PlcBlockComposition.Find")) == (1, 2)


def test_a_unit_block_is_found_by_its_qualified_name_with_a_find_per_group(plc: Any, calls: Any) -> None:
    info = plc.blocks.get_block("PLC_1", f"Line.FB_Unit_{UNIT_BLOCKS - 3}")
    assert (info.folder, info.number) == ("Software units/Line/Cells", 100 + UNIT_BLOCKS - 3)
    # Only the block found is read (Name and Namespace); each of the PLC's groups is asked once, each of the unit's
    # two groups for "Line.FB_Unit_57" and "FB_Unit_57" (which of them TIA's Find takes in a unit is not documented)
    assert (calls.Of("PlcBlock.Name"), calls.Of("PlcBlock.GetAttribute")) == (1, 1)
    assert calls.Of("PlcBlockComposition.Find") == len(GROUPS) + 2 * 2
    calls.Clear()
    # A namespace with a dot: FB_Unit_59 in "Line.Motors", in the unit's own group
    assert plc.blocks.get_block("PLC_1", f"Line.Motors.FB_Unit_{UNIT_BLOCKS - 1}").number == 100 + UNIT_BLOCKS - 1
    assert (calls.Of("PlcBlock.Name"), calls.Of("PlcBlock.GetAttribute")) == (1, 1)


def test_compiling_a_type_reads_no_block_and_no_other_type(plc: Any, calls: Any) -> None:
    assert plc.compile.compile_block("PLC_1", "UDT_19").state == "Success"
    # Every block group is asked (Find misses everywhere), no block is read; then the types' groups up to the type's
    assert calls.Of("PlcBlock.Name") == 0
    assert (calls.Of("PlcTypeComposition.Find"), calls.Of("PlcType.Name")) == (2, 1)


def test_a_name_found_nowhere_reads_every_block_for_the_suggestions(plc: Any, calls: Any) -> None:
    # Find compares the exact name, as the listing does: another case is no match, and the error path reads all
    raises_code(e.NotFoundError, "BLOCK_NOT_FOUND", plc.blocks.get_block, "PLC_1", _block("Drives", 0).lower())
    assert calls.Of("PlcBlock.Name") >= len(GROUPS) * PER_GROUP + UNIT_BLOCKS
