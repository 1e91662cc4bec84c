"""Tag tables, tags and user constants over the stand-in: the Openness idioms of the tags area.

Group trees walked because ``Find`` is one level deep; renames that Openness can only do by recreating (no
``Name`` setter) kept all or nothing by the transaction; imports checked before TIA sees a row and rolled back
when TIA refuses a step, with the cause surfaced; state kept in the project file; exports as SimaticML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas import tags as t
from simatic_xml import parse_bytes
from simatic_xml.objects import PlcTagTable
from tests.lib.outcomes import raises_code

CPU = "6ES7 516-3AN02-0AB0"
DEFAULT = "Default tag table"


@pytest.fixture
def plc(plc: Any) -> str:
    """PLC_1 of the shared ``plc`` fixture, by name."""
    return "PLC_1"


def _tag(name: str, data_type: str = "Bool", address: str = "%M0.0", **extra: Any) -> t.TagSpec:
    return t.TagSpec(name=name, data_type=data_type, logical_address=address, **extra)


def _row(row: int, name: str, address: str, table: str | None = None, comment: str = "") -> t.TagImportRow:
    return t.TagImportRow(row=row, name=name, data_type="Bool", logical_address=address, table_name=table,
                          comment=comment)


def test_tables_in_nested_groups_are_found_and_listed_with_their_folder(bridge: Any, plc: str) -> None:
    # PlcTagTableComposition.Find looks one level deep: the table sits two user groups down.
    bridge.tags.create_tag_table(plc, "Drives", "Line/Motors")
    bridge.tags.create_tag(plc, "drives", _tag("Run", address="%Q0.0"))  # the table name is matched case-insensitively
    assert [(x.name, x.folder, x.tag_count, x.is_default) for x in bridge.tags.list_tag_tables(plc)] == [
        (DEFAULT, "", 0, True), ("Drives", "Line/Motors", 1, False),
    ]
    tree = bridge.tags.tag_table_tree(plc)
    [line, default] = tree.children
    assert (line.name, line.is_folder, default.name, default.is_default) == ("Line", True, DEFAULT, True)
    [motors] = line.children
    assert [(c.name, c.path, c.tag_count) for c in motors.children] == [("Drives", "Line/Motors/Drives", 1)]
    assert bridge.tags.delete_tag_table_folder(plc, "Line") == ["Drives"]
    assert [x.name for x in bridge.tags.list_tag_tables(plc)] == [DEFAULT]


def test_renaming_a_table_recreates_it_with_everything_in_it(bridge: Any, plc: str) -> None:
    bridge.tags.create_tag_table(plc, "io", "Cell")
    bridge.tags.create_tag(plc, "io", _tag("Start", comment="push button", hmi_writeable=False))
    bridge.tag_constants.create_constant(plc, "io",
                                         t.ConstantSpec(name="MAX", data_type="Int", value="10", comment="limit"))
    renamed = bridge.tags.rename_tag_table(plc, "io", "IO")  # a case-only rename too: Name has no setter
    assert (renamed.name, renamed.folder, renamed.tag_count, renamed.user_constant_count) == ("IO", "Cell", 1, 1)
    [tag] = bridge.tags.list_tags(plc, "IO")
    assert (tag.name, tag.comment, tag.hmi_writeable, tag.hmi_visible) == ("Start", "push button", False, True)
    [constant] = bridge.tag_constants.list_constants(plc, "IO", "user")
    assert (constant.value, constant.comment) == ("10", "limit")


def test_a_rename_that_fails_half_way_leaves_the_table_as_it_was(bridge: Any, plc: str, faults: Any) -> None:
    bridge.tags.create_tag_table(plc, "IO")
    bridge.tags.create_tag(plc, "IO", _tag("Start"))
    bridge.tag_constants.create_constant(plc, "IO", t.ConstantSpec(name="MAX", data_type="Int", value="10"))
    # Delete, Create and the tag's re-creation succeed; the constant's re-creation is refused by TIA.
    faults.ArmNext("PlcUserConstantComposition.Create", "TargetInvocation", "Creating failed.", "Disk full.",
                   "inner cause")
    err = raises_code(e.EngineeringError, "OPENNESS_REFUSED", bridge.tags.rename_tag_table, plc, "IO", "Inputs")
    assert "Disk full." in err.message and "inner cause" in err.message
    assert [x.name for x in bridge.tags.list_tag_tables(plc)] == [DEFAULT, "IO"]
    assert [x.name for x in bridge.tags.list_tags(plc, "IO")] == ["Start"]
    assert [x.name for x in bridge.tag_constants.list_constants(plc, "IO", "user")] == ["MAX"]


def test_renaming_a_tag_recreates_it_and_other_changes_are_made_in_place(bridge: Any, plc: str) -> None:
    bridge.tags.create_tag(plc, DEFAULT, _tag("A", "Int", "%MW0", comment="first"))
    bridge.tags.create_tag(plc, DEFAULT, _tag("B", "Bool", "%M4.0"))
    change = bridge.tags.update_tag(plc, DEFAULT, "A", t.TagUpdate(logical_address="%MW4", hmi_visible=False))
    assert [w.other_tag for w in change.warnings] == ["B"]  # %MW4 covers %M4.0
    assert [(x.name, x.logical_address, x.hmi_visible) for x in bridge.tags.list_tags(plc, DEFAULT)] == [
        ("A", "%MW4", False), ("B", "%M4.0", True),
    ]
    renamed = bridge.tags.update_tag(plc, DEFAULT, "A", t.TagUpdate(new_name="A2")).tag
    assert (renamed.name, renamed.comment, renamed.hmi_visible) == ("A2", "first", False)
    assert [(x.name, x.comment) for x in bridge.tags.list_tags(plc, DEFAULT)] == [("B", ""), ("A2", "first")]


def test_import_is_checked_before_tia_sees_a_row(bridge: Any, plc: str) -> None:
    rows = [_row(2, "A", "%I0.0"), _row(3, "A", "%I0.1"), _row(4, "C", "%I0.2", "Bad\"Name")]
    err = raises_code(e.ValidationError, "IMPORT_ROWS_INVALID", bridge.tag_import.import_tags, plc, rows, [],
                      table=DEFAULT, follow_path=True, overwrite=False)
    assert [(r["row"], r["column"]) for r in err.details["rows"]] == [(3, "Name"), (4, "Path")]
    assert bridge.tags.list_all_tags(plc) == [] and len(bridge.tags.list_tag_tables(plc)) == 1


def test_an_import_tia_refuses_half_way_imports_nothing_and_says_why(bridge: Any, plc: str, faults: Any) -> None:
    rows = [_row(2, "A", "%I0.0", "Line/New"), _row(3, "B", "%I0.1", "Line/New", comment="refused here")]
    faults.ArmNext("MultilingualTextItem.Text", "TargetInvocation", "Setting the comment failed.", "Text too long.",
                   None)
    err = raises_code(e.ValidationError, "OPENNESS_REFUSED", bridge.tag_import.import_tags, plc, rows, [],
                      table=DEFAULT, follow_path=True, overwrite=False)
    assert "Text too long." in err.message
    assert bridge.tags.list_all_tags(plc) == []
    assert [x.name for x in bridge.tags.list_tag_tables(plc)] == [DEFAULT]  # the new table and its group are gone too
    assert bridge.tags.tag_table_tree(plc).children[0].name == DEFAULT


def test_import_with_overwrite_changes_the_tag_in_place(bridge: Any, plc: str) -> None:
    bridge.tags.create_tag(plc, DEFAULT, _tag("A", address="%I0.0"))
    bridge.tags.create_tag(plc, DEFAULT, _tag("B", address="%I0.1"))
    bridge.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="N", data_type="Int", value="1"))
    constants = [t.ConstantImportRow(row=2, name="N", data_type="Int", value="2")]
    result = bridge.tag_import.import_tags(plc, [_row(2, "A", "%Q0.0", comment="new")], constants, table=DEFAULT,
                                follow_path=False, overwrite=True)
    assert (result.tags_imported, result.tags_replaced, result.constants_imported) == (1, 1, 1)
    assert [(x.name, x.logical_address, x.comment) for x in bridge.tags.list_tags(plc, DEFAULT)] == [
        ("A", "%Q0.0", "new"), ("B", "%I0.1", ""),
    ]
    assert [c.value for c in bridge.tag_constants.list_constants(plc, DEFAULT, "user")] == ["2"]
    # A row that respells a name replaces the tag by re-creating it (PlcTag.Name has no setter).
    result = bridge.tag_import.import_tags(plc, [_row(3, "b", "%I0.1")], [], table=DEFAULT, follow_path=False,
                                           overwrite=True)
    assert result.tags_replaced == 1
    assert [x.name for x in bridge.tags.list_tags(plc, DEFAULT)] == ["A", "b"]


def test_validate_only_opens_no_transaction(bridge: Any, plc: str, faults: Any) -> None:
    # Were a transaction opened, the armed fault would end the call: a check-only import must not take the project.
    faults.ArmNext("TiaPortal.ExclusiveAccess", "TargetInvocation", "Busy.", "", None)
    result = bridge.tag_import.import_tags(plc, [_row(2, "A", "%I0.0", "New")], [], table=DEFAULT, follow_path=True,
                                overwrite=False, validate_only=True)
    assert (result.tags_imported, result.created_tables) == (0, ["New"])
    with pytest.raises(e.ConflictError):
        bridge.tags.create_tag_table(plc, "T")  # the fault is still armed: the validation never took exclusive access


def test_tags_and_constants_are_kept_in_the_project_file(bridge: Any, plc: str, tmp_path: Path) -> None:
    bridge.tags.create_tag_table(plc, "IO", "A/B")
    bridge.tags.create_tag_table_folder(plc, "Empty")
    bridge.tags.create_tag(plc, "IO", _tag("Start", comment="tab\there", hmi_accessible=False))
    bridge.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="MAX", data_type="Int", value="10"))
    bridge.save_project()
    bridge.tags.create_tag(plc, "IO", _tag("Unsaved", address="%M1.0"))
    bridge.close_project()  # discards the unsaved tag
    bridge.open_project(tmp_path / "Line1" / "Line1.ap19")
    assert [(x.name, x.folder) for x in bridge.tags.list_tag_tables(plc)] == [(DEFAULT, ""), ("IO", "A/B")]
    assert [c.name for c in bridge.tags.tag_table_tree(plc).children if c.is_folder] == ["A", "Empty"]
    [tag] = bridge.tags.list_tags(plc, "IO")
    assert (tag.name, tag.comment, tag.hmi_accessible) == ("Start", "tab\there", False)
    assert [c.name for c in bridge.tag_constants.list_constants(plc, DEFAULT, "user")] == ["MAX"]


def test_system_constants_are_read_only_and_shown_in_the_default_table_only(bridge: Any, plc: str) -> None:
    bridge.tags.create_tag_table(plc, "Other")
    system = bridge.tag_constants.list_constants(plc, DEFAULT, "system")
    assert system and all(c.is_system and c.table_name == DEFAULT for c in system)
    assert bridge.tag_constants.list_constants(plc, "Other", "system") == []
    raises_code(e.ValidationError, "SYSTEM_CONSTANT_READ_ONLY", bridge.tag_constants.update_constant, plc, "Other",
                system[0].name, t.ConstantUpdate(value="1"))
    with pytest.raises(e.AlreadyExistsError):
        bridge.tags.create_tag(plc, "Other", _tag(system[0].name.upper()))


def test_export_is_tias_simaticml_of_the_table(bridge: Any, plc: str) -> None:
    bridge.tags.create_tag(plc, DEFAULT, _tag("Start", comment="a & b", hmi_writeable=False))
    bridge.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="MAX", data_type="Int", value="10"))
    first = bridge.tags.export_tag_table_xml(plc, DEFAULT)
    assert first.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as TIA writes
    doc = parse_bytes(first)
    assert doc.engineering_version == "V19"
    table = doc.object
    assert isinstance(table, PlcTagTable)
    [tag] = table.tags
    assert (tag.name, tag.attr("ExternalWritable"), tag.attr("ExternalVisible")) == ("Start", False, None)
    assert [c.name for c in table.user_constants] == ["MAX"]
    assert bridge.tags.export_tag_table_xml(plc, DEFAULT) == first  # a fresh file each time (TIA does not overwrite)


def test_a_refused_tag_is_a_validation_error_with_the_detail(bridge: Any, plc: str, faults: Any) -> None:
    faults.ArmNext("PlcTagComposition.Create", "TargetInvocation", "The tag cannot be created.", "Invalid address.",
                   None)
    err = raises_code(e.ValidationError, "OPENNESS_REFUSED", bridge.tags.create_tag, plc, DEFAULT, _tag("A"))
    assert err.details["openness"]["detailText"] == "Invalid address."
    assert bridge.tags.list_tags(plc, DEFAULT) == []


def test_a_table_of_the_tags_area_is_a_program_document_too(bridge: Any, plc: str) -> None:
    # One PlcTagTable reached two ways: the tag area's export and the program-document export agree, and the
    # document, imported into another group after the table was deleted, brings its tags back.
    bridge.tags.create_tag_table(plc, "Drives", "Line/Motors")
    bridge.tags.create_tag(plc, "Drives", _tag("Run", address="%Q0.0", comment="runs the line"))
    listed = {o.name: o for o in bridge.program.list_program_objects(plc)}
    assert (listed["Drives"].kind, listed["Drives"].folder,
            listed["Drives"].number) == ("TagTable", "Line/Motors", None)
    document = bridge.program.export_program_object(plc, "Drives")
    assert document == bridge.tags.export_tag_table_xml(plc, "Drives")
    bridge.tags.delete_tag_table(plc, "Drives")
    from engineering_api.backend.models import ProgramDocument

    bridge.program.import_program_documents(plc, [ProgramDocument(source="d.xml", data=document, folder="Line")],
                                            overwrite=False)
    [tag] = bridge.tags.list_tags(plc, "Drives")
    assert (tag.name, tag.logical_address, tag.comment) == ("Run", "%Q0.0", "runs the line")
    assert {o.name: o.folder for o in bridge.program.list_program_objects(plc)}["Drives"] == "Line"
