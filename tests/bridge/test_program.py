"""PLC software over the stand-in: reaching PlcSoftware, recursing groups, and mapping compiler results.

The stand-in does not compile: results are scripted with ``StandIn.Control.CompilerScript`` so the bridge's
mapping (every nesting level kept, counts and states carried over) is what is checked here.
"""

from __future__ import annotations

from typing import Any

import pytest

from engineering_api.backend import errors as e
from tests.lib.outcomes import raises_code
from tests.bridge.tag_table_doc import tag_table_doc


CPU = "6ES7 516-3AN02-0AB0"
HMI = "6AV2 124-0GC01-0AX0"


@pytest.fixture
def plc(plc: Any) -> int:
    """The pid of the portal the shared ``plc`` fixture launched."""
    return int(plc.session_status().pid)


@pytest.fixture
def control(bridge: Any) -> Any:
    import StandIn.Control as control

    return control


def test_compiler_messages_are_recursed_to_every_level(bridge: Any, plc: int, control: Any) -> None:
    spec = [
        "Error\t1\t1",
        ".PLC_1\t\tError\t1\t1",
        "..PLC_1/Program blocks\tProgram blocks\tError\t1\t1",
        "...PLC_1/Program blocks/FB_A\tFB_A\tError\t1\t0",
        "....PLC_1/Program blocks/FB_A\tNetwork 1, line 2, column 16: deep leaf\tError\t1\t0",
        "...PLC_1/Program blocks/FC_B\tFC_B\tWarning\t0\t1",
        "....PLC_1/Program blocks/FC_B\tunused variable\tWarning\t0\t1",
        "..PLC_1/PLC data types\tPLC data types\tInformation\t0\t0",
    ]
    control.CompilerScript.ArmNext("\n".join(spec))
    result = bridge.compile.compile_software("PLC_1")
    assert (result.state, result.error_count, result.warning_count) == ("Error", 1, 1)
    [software] = result.messages
    assert (software.path, software.description, software.state) == ("PLC_1", "", "Error")
    blocks, types = software.messages
    assert types.state == "Success"  # CompilerResultState.Information has no own port state
    fb, fc = blocks.messages
    assert (fb.description, fb.error_count, fc.warning_count) == ("FB_A", 1, 1)
    [leaf] = fb.messages
    assert leaf.description == "Network 1, line 2, column 16: deep leaf" and leaf.messages == []
    assert [m.description for m in fc.messages] == ["unused variable"]


def test_compile_block_finds_blocks_and_types_in_nested_groups(bridge: Any, plc: int, control: Any) -> None:
    # PlcBlockComposition.Find is one level only: the block sits two user groups deep.
    control.Program.AddBlock(plc, "PLC_1", "Motors/Conveyor", "FB_Deep")
    control.Program.AddType(plc, "PLC_1", "Shared", "UDT_Deep")
    assert bridge.compile.compile_block("PLC_1", "FB_Deep").messages[0].path == "FB_Deep"
    assert bridge.compile.compile_block("PLC_1", "UDT_Deep").state == "Success"
    raises_code(e.NotFoundError, "BLOCK_NOT_FOUND", bridge.compile.compile_block, "PLC_1", "FB_Nowhere")


def test_software_is_reached_through_the_device_items_software_container(bridge: Any, plc: int) -> None:
    bridge.devices.add_device(HMI, None, "HMI_1")
    raises_code(e.ValidationError, "NOT_A_PLC", bridge.compile.compile_software, "HMI_1")
    with pytest.raises(e.NotFoundError):
        bridge.compile.compile_software("PLC_9")
    # The unscripted stand-in answers Success with one node per object it holds (it does not compile).
    result = bridge.compile.compile_software("PLC_1")
    assert result.state == "Success" and result.messages[0].path == "PLC_1"


def test_a_refused_compile_keeps_the_detail_and_inner_exception(bridge: Any, plc: int, faults: Any) -> None:
    faults.ArmNext("ICompilable.Compile", "TargetInvocation", "Compile failed.", "The PLC is locked.", "inner cause")
    with pytest.raises(e.ConflictError) as info:
        bridge.compile.compile_software("PLC_1")
    assert "The PLC is locked." in info.value.message and "inner cause" in info.value.message


def _spec_doc(spec: dict[str, Any]) -> Any:
    from engineering_api.backend.models import ProgramDocument
    from simatic_xml.generate import generate_xml

    return ProgramDocument(source=f"{spec['name']}.xml", data=generate_xml(spec, "V19"))


UDT = {"blockType": "UDT", "name": "UDT_Motor", "interface": {"None": [{"name": "Speed", "dataType": "Real"}]}}
FC = {"blockType": "FC", "name": "FC_Scale", "language": "SCL", "returnType": "Real", "number": 5,
      "interface": {"Input": [{"name": "Raw", "dataType": "Int"}]},
      "networks": [{"scl": "#FC_Scale := INT_TO_REAL(#Raw);"}]}
FB = {"blockType": "FB", "name": "FB_Motor", "language": "SCL", "number": 10,
      "interface": {"Static": [{"name": "Data", "dataType": '"UDT_Motor"'}]}, "networks": [{"scl": ""}]}
IDB = {"blockType": "InstanceDB", "name": "DB_Motor", "instanceOf": "FB_Motor"}
OB = {"blockType": "OB", "name": "Main", "number": 1, "language": "SCL", "networks": [{"scl": ""}]}


def test_import_order_is_udt_then_fb_fc_then_ob_db(bridge: Any, plc: int, control: Any) -> None:
    # Given in the worst order; the stand-in's Import refuses an instance DB whose FB is not there yet.
    docs = [_spec_doc(s) for s in (OB, IDB, FB, FC, UDT)]
    reports = bridge.program.import_program_documents("PLC_1", docs, overwrite=True)  # Main replaces the PLC's OB1
    assert [r.source for r in reports] == ["Main.xml", "DB_Motor.xml", "FB_Motor.xml", "FC_Scale.xml", "UDT_Motor.xml"]
    assert all(r.status == "Imported" for r in reports)
    assert list(control.Program.ImportLog) == ["UDT_Motor", "FB_Motor", "FC_Scale", "Main", "DB_Motor"]
    # TIA's default table
    kinds = {o.name: o.kind for o in bridge.program.list_program_objects("PLC_1") if o.kind != "TagTable"}
    assert kinds == {"UDT_Motor": "UDT", "FB_Motor": "FB", "FC_Scale": "FC", "Main": "OB", "DB_Motor": "InstanceDB"}


def test_a_batch_reads_the_names_already_taken_once(bridge: Any, plc: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each read walks every block and type of the PLC and its software units over .NET; read per document, a
    # large import cost documents x objects calls. Counted, not timed.
    import openness_bridge.program as program

    reads: list[int] = []
    walk = program.program_object_names

    def counted(session: Any, software: Any) -> set[str]:
        reads.append(1)
        return walk(session, software)

    monkeypatch.setattr(program, "program_object_names", counted)
    bridge.program.import_program_documents("PLC_1", [_spec_doc(UDT)], overwrite=False)
    reads.clear()
    # Without OB "Main": the PLC has its own, and an import with overwrite reads no names to refuse
    reports = bridge.program.import_program_documents("PLC_1", [_spec_doc(s) for s in (IDB, FB, FC)],
                                                     overwrite=False)
    assert [r.status for r in reports] == ["Imported"] * 3
    assert len(reads) == 1
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", bridge.program.import_program_documents, "PLC_1",
                [_spec_doc(UDT)], overwrite=False)


def test_a_batch_is_checked_before_anything_reaches_tia(bridge: Any, plc: int, control: Any) -> None:
    from engineering_api.backend.models import ProgramDocument

    raises_code(e.ValidationError, "IMPORT_FAILED", bridge.program.import_program_documents, "PLC_1",
                [_spec_doc(UDT), ProgramDocument(source="b.xml", data=b"<broken")], overwrite=False)
    assert list(control.Program.ImportLog) == []


def test_export_goes_to_a_fresh_file_each_time(bridge: Any, plc: int) -> None:
    # The stand-in's Export refuses an existing file, as TIA does; two exports in a row must both work.
    bridge.program.import_program_documents("PLC_1", [_spec_doc(UDT)], overwrite=False)
    first = bridge.program.export_program_object("PLC_1", "UDT_Motor")
    assert first == bridge.program.export_program_object("PLC_1", "UDT_Motor")
    assert first.startswith(b"\xef\xbb\xbf") and b"UDT_Motor" in first
    with pytest.raises(e.NotFoundError):
        bridge.program.export_program_object("PLC_1", "UDT_Nowhere")


def test_tag_tables_are_imported_after_types_and_before_blocks(bridge: Any, plc: int, control: Any) -> None:
    # Worst position: the table (a tag of the UDT's type, used by blocks) comes after every block, before the UDT.
    docs = [*(_spec_doc(s) for s in (OB, IDB, FB, FC)), tag_table_doc(), _spec_doc(UDT)]
    reports = bridge.program.import_program_documents("PLC_1", docs, overwrite=True)  # Main replaces the PLC's OB1
    assert [(r.status, r.kind) for r in reports][4] == ("Imported", "TagTable")
    assert list(control.Program.ImportLog) == ["UDT_Motor", "Motors", "FB_Motor", "FC_Scale", "Main", "DB_Motor"]
    listed = bridge.program.list_program_objects("PLC_1")
    # Types, then tag tables (TIA's "Default tag table" first), then blocks with their language.
    assert [(o.name, o.kind) for o in listed][:3] == [("UDT_Motor", "UDT"), ("Default tag table", "TagTable"),
                                                      ("Motors", "TagTable")]
    languages = {o.name: o.language for o in listed}
    assert languages["FB_Motor"] == "SCL" and languages["Motors"] is None
    [table] = [t for t in bridge.tags.list_tag_tables("PLC_1") if t.name == "Motors"]
    assert (table.tag_count, table.user_constant_count) == (1, 1)
    [tag] = bridge.tags.list_tags("PLC_1", "Motors")
    assert (tag.data_type, tag.logical_address, tag.comment,
            tag.hmi_writeable) == ('"UDT_Motor"', "%M10.0", "the motor's data", False)


def test_a_tag_table_goes_into_its_folder_and_overwrite_moves_it(bridge: Any, plc: int) -> None:
    bridge.tags.create_tag_table_folder("PLC_1", "Drives/Line1")
    bridge.program.import_program_documents("PLC_1", [tag_table_doc(folder="Drives/Line1")], overwrite=False)
    assert {o.name: o.folder for o in bridge.program.list_program_objects("PLC_1")}["Motors"] == "Drives/Line1"
    raises_code(e.AlreadyExistsError, "OBJECT_EXISTS", bridge.program.import_program_documents, "PLC_1",
                [tag_table_doc()], overwrite=False)
    # As the fake: overwrite replaces the table, wherever it was, with the document in the given folder.
    bridge.program.import_program_documents("PLC_1", [tag_table_doc(tag="Other")], overwrite=True)
    assert {o.name: o.folder for o in bridge.program.list_program_objects("PLC_1")}["Motors"] == ""
    assert [t.name for t in bridge.tags.list_tags("PLC_1", "Motors")] == ["Other"]
    raises_code(e.ConflictError, "DEFAULT_TAG_TABLE", bridge.program.import_program_documents, "PLC_1",
                [tag_table_doc(name="Default tag table", tag="X", folder="Drives")], overwrite=True)


def test_a_tag_name_used_by_another_table_never_reaches_import(bridge: Any, plc: int, control: Any) -> None:
    from engineering_api.backend.areas.tags import TagSpec

    bridge.tags.create_tag("PLC_1", "Default tag table",
                           TagSpec(name="Motor_Data", data_type="Bool", logical_address="%M0.0"))
    err = raises_code(e.ValidationError, "IMPORT_FAILED", bridge.program.import_program_documents, "PLC_1",
                      [_spec_doc(UDT), tag_table_doc()], overwrite=False)
    assert [f.get("code") for f in err.details["files"]] == [None, "TAG_EXISTS"]
    # Two tables of one batch may not bring the same name either.
    with pytest.raises(e.ValidationError) as twice:
        bridge.program.import_program_documents(
            "PLC_1", [tag_table_doc("A", tag="Same"), tag_table_doc("B", tag="Same")], overwrite=False)
    assert [f["status"] for f in twice.value.details["files"]] == ["NotImported", "Failed"]
    assert list(control.Program.ImportLog) == []


def test_a_tag_table_refused_by_tia_rolls_the_whole_batch_back(bridge: Any, plc: int, control: Any,
                                                               faults: Any) -> None:
    faults.ArmNext("PlcTagTableComposition.Import", "TargetInvocation", "The import failed.", "The table is locked.",
                   "inner cause")
    with pytest.raises(e.ValidationError) as info:
        bridge.program.import_program_documents("PLC_1", [_spec_doc(UDT), tag_table_doc()], overwrite=False)
    assert "The table is locked." in info.value.message and "inner cause" in info.value.message
    # The UDT had been imported before the refusal: the transaction took it back.
    assert list(control.Program.ImportLog) == ["UDT_Motor"]
    assert [o.name for o in bridge.program.list_program_objects("PLC_1")] == ["Default tag table", "Main"]


def test_a_tag_table_is_exported_and_reimported_as_it_was(bridge: Any, plc: int) -> None:
    bridge.program.import_program_documents("PLC_1", [tag_table_doc(data_type="Int")], overwrite=False)
    first = bridge.program.export_program_object("PLC_1", "motors")  # TIA's names are case-insensitive
    assert first == bridge.program.export_program_object("PLC_1", "Motors")  # a fresh file each time
    assert first.startswith(b"\xef\xbb\xbf<?xml") and b"<SW.Tags.PlcTagTable" in first
    assert b"<Name>Motor_Data</Name>" in first and b"<Name>Motor_Data_MAX</Name>" in first
    from engineering_api.backend.models import ProgramDocument

    bridge.program.import_program_documents("PLC_1", [ProgramDocument(source="again.xml", data=first)], overwrite=True)
    assert bridge.program.export_program_object("PLC_1", "Motors") == first
