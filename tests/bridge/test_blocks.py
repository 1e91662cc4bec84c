"""Blocks, block folders and external sources over the stand-in: the Openness idioms behind the port methods
(groups walked because ``Find`` is one level, changes all-or-nothing inside ``_change``, TIA's refusals surfaced
with their detail text, stale proxies re-resolved, consistency as TIA reports it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.models import ProgramDocument
from simatic_xml.generate import generate_xml
from tests.lib.outcomes import raises_code

FB = {"blockType": "FB", "name": "FB_Motor", "language": "SCL", "number": 10, "networks": [{"scl": ""}]}
IDB = {"blockType": "InstanceDB", "name": "DB_Motor", "instanceOf": "FB_Motor", "number": 4}
FC = {"blockType": "FC", "name": "FC_A", "language": "SCL", "number": 3, "networks": [{"scl": "RETURN;"}]}


def _doc(spec: dict[str, Any], folder: str = "") -> ProgramDocument:
    return ProgramDocument(source=f"{spec['name']}.xml", data=generate_xml(spec, "V19"), folder=folder)


def test_blocks_deep_in_user_groups_are_found_with_their_folder(plc: Any) -> None:
    # PlcBlockComposition.Find looks one level deep: the block sits two user groups below "Program blocks".
    assert plc.blocks.create_block_folder("PLC_1", " Motors \\ Conveyor ") == "Motors/Conveyor"
    plc.program.import_program_documents("PLC_1", [_doc(FB, "Motors/Conveyor")], overwrite=False)
    info = plc.blocks.get_block("PLC_1", "FB_Motor")
    assert (info.folder, info.block_type, info.number, info.language) == ("Motors/Conveyor", "FB", 10, "SCL")
    assert [b.name for b in plc.blocks.list_blocks("PLC_1")] == ["Main", "FB_Motor"]  # Main: the PLC's OB1
    raises_code(e.NotFoundError, "BLOCK_NOT_FOUND", plc.blocks.get_block, "PLC_1", "FB_Nowhere")


def test_deleting_an_fb_leaves_its_instance_db_inconsistent(plc: Any) -> None:
    plc.program.import_program_documents("PLC_1", [_doc(FB), _doc(IDB)], overwrite=False)
    assert plc.blocks.get_block("PLC_1", "DB_Motor").consistent
    plc.blocks.delete_block("PLC_1", "FB_Motor")
    assert plc.blocks.get_block("PLC_1", "DB_Motor").consistent is False  # PlcBlock.IsConsistent, as TIA reports it
    # TIA will not export an inconsistent block, and the stand-in's compile does not repair it.
    raises_code(e.ConflictError, "BLOCK_INCONSISTENT", plc.program.export_program_object, "PLC_1", "DB_Motor")


def test_a_refused_rename_keeps_tia_s_detail_and_changes_nothing(plc: Any, faults: Any) -> None:
    plc.program.import_program_documents("PLC_1", [_doc(FC)], overwrite=False)
    faults.ArmNext("PlcBlock.Name", "TargetInvocation", "The name cannot be set.", "The block is open in an editor.",
                   "inner cause")
    err = raises_code(e.ConflictError, "OPENNESS_REFUSED", plc.blocks.rename_block, "PLC_1", "FC_A", "FC_B")
    assert "The block is open in an editor." in err.message and "inner cause" in err.message
    assert [b.name for b in plc.blocks.list_blocks("PLC_1")] == ["Main", "FC_A"]  # Main: the PLC's OB1


def test_rename_refuses_a_name_used_by_another_kind_of_object(plc: Any) -> None:
    udt = {"blockType": "UDT", "name": "UDT_A", "interface": {"None": [{"name": "X", "dataType": "Int"}]}}
    plc.program.import_program_documents("PLC_1", [_doc(FC), _doc(udt)], overwrite=False)
    with pytest.raises(e.AlreadyExistsError):
        plc.blocks.rename_block("PLC_1", "FC_A", "udt_a")
    renamed = plc.blocks.rename_block("PLC_1", "FC_A", "fc_a")  # a new spelling of its own name is allowed
    assert renamed.name == "fc_a" and renamed.number == 3


def test_a_stale_proxy_is_re_resolved_and_the_delete_retried_once(plc: Any, faults: Any) -> None:
    plc.program.import_program_documents("PLC_1", [_doc(FC)], overwrite=False)
    faults.ArmNext("PlcBlock.Delete", "ObjectDisposed", "The object has been disposed.", "", None)
    assert plc.blocks.delete_block("PLC_1", "FC_A").name == "FC_A"
    assert [b.name for b in plc.blocks.list_blocks("PLC_1")] == ["Main"]  # the PLC's OB1


def test_a_failed_folder_delete_leaves_folder_and_blocks(plc: Any, faults: Any) -> None:
    plc.blocks.create_block_folder("PLC_1", "A/B")
    plc.program.import_program_documents("PLC_1", [_doc(FC, "A/B")], overwrite=False)
    faults.ArmNext("PlcBlockUserGroup.Delete", "TargetInvocation", "Deleting failed.", "A block is write-protected.",
                   None)
    with pytest.raises(e.ConflictError) as info:
        plc.blocks.delete_block_folder("PLC_1", "A")
    assert "A block is write-protected." in info.value.message
    assert plc.blocks.block_folders("PLC_1") == ["A", "A/B"] and plc.blocks.get_block("PLC_1", "FC_A").folder == "A/B"


def test_overwriting_a_source_is_all_or_nothing(plc: Any, faults: Any) -> None:
    plc.blocks.add_external_source("PLC_1", "a.scl", "old text\n", folder="", overwrite=False)
    # Overwrite = Delete the old source, then CreateFromFile; the second step fails, so the first is rolled back.
    faults.ArmNext("PlcExternalSourceComposition.CreateFromFile", "TargetInvocation", "Creating failed.",
                   "The file cannot be read.", None)
    with pytest.raises(e.ValidationError) as info:
        plc.blocks.add_external_source("PLC_1", "a.scl", "new text\n", folder="", overwrite=True)
    assert "The file cannot be read." in info.value.message
    assert [s.name for s in plc.blocks.list_external_sources("PLC_1")] == ["a.scl"]


def test_source_text_cannot_be_read_back_through_openness(plc: Any) -> None:
    info = plc.blocks.add_external_source("PLC_1", "a.scl", "line1\nline2\n", folder="", overwrite=False)
    assert (info.length, info.line_count) == (12, 2)  # from the text given, not read back from TIA
    listed = plc.blocks.list_external_sources("PLC_1")[0]
    assert (listed.name, listed.length, listed.line_count) == ("a.scl", 0, 0)  # unknown: Openness cannot read it
    raises_code(e.NotSupportedError, "NO_OPENNESS_EQUIVALENT", plc.blocks.read_external_source, "PLC_1", "a.scl")
    raises_code(e.NotFoundError, "SOURCE_NOT_FOUND", plc.blocks.read_external_source, "PLC_1", "b.scl")


def test_unsaved_sources_and_folders_are_discarded_on_close(plc: Any) -> None:
    path = Path(plc.save_project().path)
    plc.blocks.create_external_source_folder("PLC_1", "Lib")
    plc.blocks.add_external_source("PLC_1", "a.scl", "x", folder="Lib", overwrite=False)
    plc.blocks.create_block_folder("PLC_1", "Empty")
    plc.close_project()
    plc.open_project(path)
    assert plc.blocks.list_external_sources("PLC_1") == [] and plc.blocks.external_source_folders("PLC_1") == []
    assert plc.blocks.block_folders("PLC_1") == []


def test_rename_refuses_the_name_of_a_tag_table(plc: Any) -> None:
    # Blocks, PLC data types and tag tables share one namespace per PLC: the tag tables are walked as well.
    plc.program.import_program_documents("PLC_1", [_doc(FC)], overwrite=False)
    plc._change("add a tag table",
                lambda: plc._plc_software(plc.link.project(), "PLC_1").TagTableGroup.TagTables.Create("Motors"))
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", plc.blocks.rename_block, "PLC_1", "FC_A", "MOTORS")
