"""The Tags & Constants area of the port: every adapter honours its documented behaviour and errors.

Calls :class:`engineering_api.backend.areas.tags.TagsPort` methods directly; parametrised over adapters
as the main contract suite (the fake and the Openness bridge over the stand-in; see ``BRIDGE_PENDING``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend import errors as e
from engineering_api.backend.areas import tags as t
from engineering_api.backend.port import EngineeringBackend
from simatic_xml import parse_bytes
from simatic_xml.objects import PlcTagTable
from tests.lib.outcomes import raises_code
from tests.contract.conftest import CPU, IM

DEFAULT = "Default tag table"

BRIDGE_PENDING: dict[str, str] = {
    "test_v17_tables_carry_the_hmi_flags": "the stand-in plays one TIA version per process (V19 by default): a V17 "
                                           "portal cannot be launched "
    "on the bridge, so the V17 export layout is covered by the fake only",
}
"""Contract tests that do not run on the Openness bridge, with the reason (every other test does)."""


@pytest.fixture
def plc(backend: EngineeringBackend, tmp_path: Path) -> str:
    backend.launch_portal(with_ui=False, version=None)
    backend.create_project(tmp_path / "workspace", "Line1", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.devices.add_device(IM, None, "IO_1")
    return "PLC_1"


def _spec(name: str, data_type: str = "Bool", address: str = "%M0.0", **extra: Any) -> t.TagSpec:
    return t.TagSpec(name=name, data_type=data_type, logical_address=address, **extra)


def _row(row: int, name: str, data_type: str, address: str, table: str | None = None) -> t.TagImportRow:
    return t.TagImportRow(row=row, name=name, data_type=data_type, logical_address=address, table_name=table)


CALLS: list[tuple[str, Callable[[EngineeringBackend, str], Any]]] = [
    ("list_tag_tables", lambda b, d: b.tags.list_tag_tables(d)),
    ("tag_table_tree", lambda b, d: b.tags.tag_table_tree(d)),
    ("create_tag_table", lambda b, d: b.tags.create_tag_table(d, "T")),
    ("rename_tag_table", lambda b, d: b.tags.rename_tag_table(d, DEFAULT, "T")),
    ("delete_tag_table", lambda b, d: b.tags.delete_tag_table(d, "T")),
    ("create_tag_table_folder", lambda b, d: b.tags.create_tag_table_folder(d, "F")),
    ("delete_tag_table_folder", lambda b, d: b.tags.delete_tag_table_folder(d, "F")),
    ("list_tags", lambda b, d: b.tags.list_tags(d, DEFAULT)),
    ("list_all_tags", lambda b, d: b.tags.list_all_tags(d)),
    ("create_tag", lambda b, d: b.tags.create_tag(d, DEFAULT, _spec("A"))),
    ("update_tag", lambda b, d: b.tags.update_tag(d, DEFAULT, "A", t.TagUpdate(comment="x"))),
    ("delete_tag", lambda b, d: b.tags.delete_tag(d, DEFAULT, "A")),
    ("import_tags", lambda b,
     d: b.tag_import.import_tags(d, [], [], table=DEFAULT, follow_path=False, overwrite=False)),
    ("list_constants", lambda b, d: b.tag_constants.list_constants(d, DEFAULT)),
    ("create_constant", lambda b,
     d: b.tag_constants.create_constant(d, DEFAULT, t.ConstantSpec(name="C", data_type="Int", value="1"))),
    ("update_constant", lambda b, d: b.tag_constants.update_constant(d, DEFAULT, "C", t.ConstantUpdate(value="2"))),
    ("delete_constant", lambda b, d: b.tag_constants.delete_constant(d, DEFAULT, "C")),
    ("export_tag_table_xml", lambda b, d: b.tags.export_tag_table_xml(d, DEFAULT)),
]


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_unknown_device_and_non_plc(backend, plc, name, call):
    with pytest.raises(e.NotFoundError):
        call(backend, "Nope")
    with pytest.raises(e.ValidationError):
        call(backend, "IO_1")


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_needs_a_project(backend, name, call):
    backend.launch_portal(with_ui=False, version=None)
    with pytest.raises(e.NoProjectOpenError):
        call(backend, "PLC_1")


def test_tables(backend, plc):
    assert [x.name for x in backend.tags.list_tag_tables(plc)] == [DEFAULT]
    assert backend.tags.create_tag_table(plc, "IO", "Line/A").folder == "Line/A"
    with pytest.raises(e.AlreadyExistsError):
        backend.tags.create_tag_table(plc, "io")
    with pytest.raises(e.ValidationError):
        backend.tags.create_tag_table(plc, "")
    with pytest.raises(e.ConflictError):
        backend.tags.delete_tag_table(plc, DEFAULT)
    with pytest.raises(e.ConflictError):
        backend.tags.rename_tag_table(plc, DEFAULT, "Other")
    with pytest.raises(e.NotFoundError):
        backend.tags.rename_tag_table(plc, "Nope", "X")
    assert backend.tags.rename_tag_table(plc, "IO", "IO2").name == "IO2"
    with pytest.raises(e.AlreadyExistsError):
        backend.tags.create_tag_table_folder(plc, "Line/A")
    assert backend.tags.delete_tag_table_folder(plc, "Line") == ["IO2"]
    with pytest.raises(e.NotFoundError):
        backend.tags.delete_tag_table_folder(plc, "Line")
    with pytest.raises(e.NotFoundError):
        backend.tags.delete_tag_table(plc, "IO2")


def test_tag_rules(backend, plc):
    backend.tags.create_tag_table(plc, "Other")
    change = backend.tags.create_tag(plc, DEFAULT, _spec("A", "Word", "%MW10"))
    assert change.tag.logical_address == "%MW10" and change.warnings == []
    change = backend.tags.create_tag(plc, "Other", _spec("B", "Byte", "%MB11"))
    assert [w.other_tag for w in change.warnings] == ["A"]
    with pytest.raises(e.AlreadyExistsError):
        backend.tags.create_tag(plc, "Other", _spec("a", "Bool", "%M0.0"))
    with pytest.raises(e.ValidationError):
        backend.tags.create_tag(plc, DEFAULT, _spec("C", "Bool", "%DB1.DBX0.0"))
    with pytest.raises(e.ValidationError):
        backend.tags.create_tag(plc, DEFAULT, _spec("C", "Int", "%M0.0"))
    with pytest.raises(e.ValidationError):
        backend.tags.create_tag(plc, DEFAULT, _spec("C", "NoSuchType", "%MW0"))
    with pytest.raises(e.NotFoundError):
        backend.tags.create_tag(plc, "Nope", _spec("C"))
    with pytest.raises(e.NotFoundError):
        backend.tags.update_tag(plc, DEFAULT, "Nope", t.TagUpdate(comment="x"))
    with pytest.raises(e.AlreadyExistsError):
        backend.tags.update_tag(plc, DEFAULT, "A", t.TagUpdate(new_name="B"))
    assert backend.tags.update_tag(plc, DEFAULT, "A", t.TagUpdate(new_name="A1")).tag.name == "A1"
    backend.tags.delete_tag(plc, DEFAULT, "A1")
    with pytest.raises(e.NotFoundError):
        backend.tags.delete_tag(plc, DEFAULT, "A1")
    assert [(x.name, x.table_name) for x in backend.tags.list_all_tags(plc)] == [("B", "Other")]


def test_constants(backend, plc):
    made = backend.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="N", data_type="Int", value="5"))
    assert (made.name, made.is_system) == ("N", False)
    with pytest.raises(e.AlreadyExistsError):
        backend.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="n", data_type="Int", value="5"))
    with pytest.raises(e.AlreadyExistsError):
        backend.tags.create_tag(plc, DEFAULT, _spec("N", "Int", "%MW0"))
    with pytest.raises(e.ValidationError):
        backend.tag_constants.create_constant(plc, DEFAULT, t.ConstantSpec(name="Z", data_type="SInt", value="300"))
    system = backend.tag_constants.list_constants(plc, DEFAULT, "system")
    assert system and all(c.is_system for c in system)
    with pytest.raises(e.ValidationError):
        backend.tag_constants.delete_constant(plc, DEFAULT, system[0].name)
    with pytest.raises(e.NotFoundError):
        backend.tag_constants.delete_constant(plc, DEFAULT, "Nope")
    assert backend.tag_constants.update_constant(plc, DEFAULT, "N", t.ConstantUpdate(value="6")).value == "6"
    backend.tag_constants.delete_constant(plc, DEFAULT, "N")
    assert backend.tag_constants.list_constants(plc, DEFAULT, "user") == []


def test_import_is_all_or_nothing(backend, plc):
    rows = [_row(2, "A", "Bool", "%I0.0"), _row(3, "B", "Int", "%DB1.DBW0"), _row(4, "C", "Int", "%MW2")]
    caught = raises_code(e.ValidationError, "IMPORT_ROWS_INVALID", backend.tag_import.import_tags, plc, rows, [],
                         table=DEFAULT, follow_path=False, overwrite=False)
    assert caught.details["rows"] == [{"row": 3, "column": "Logical Address",
                                       "reason": caught.details["rows"][0]["reason"],
                                       "sheet": "PLC Tags", "value": "%DB1.DBW0"}]
    assert backend.tags.list_all_tags(plc) == []
    with pytest.raises(e.NotFoundError):
        backend.tag_import.import_tags(plc, rows[:1], [], table="Nope", follow_path=False, overwrite=False)
    result = backend.tag_import.import_tags(plc, [rows[0], rows[2], _row(5, "D", "Bool", "%Q0.0", "New")], [],
                                            table=DEFAULT,
                                 follow_path=True, overwrite=False)
    assert (result.tags_imported, result.created_tables) == (3, ["New"])
    assert [(x.name, x.table_name) for x in backend.tags.list_all_tags(plc)] == [("A", DEFAULT), ("C", DEFAULT),
                                                                                 ("D", "New")]


def test_export_xml_round_trips_through_simaticml(backend, plc):
    backend.tags.create_tag(plc, DEFAULT, _spec("A", "Int", "%IW2", comment="c", hmi_visible=False))
    xml = backend.tags.export_tag_table_xml(plc, DEFAULT)
    table = parse_bytes(xml).object
    assert isinstance(table, PlcTagTable)
    assert [(x.name, x.data_type, x.logical_address) for x in table.tags] == [("A", "Int", "%IW2")]
    assert table.tags[0].attr("ExternalVisible") is False
    with pytest.raises(e.NotFoundError):
        backend.tags.export_tag_table_xml(plc, "Nope")


def test_validate_only_changes_nothing(backend, plc):
    rows = [_row(2, "A", "Bool", "%I0.0"), _row(3, "B", "Word", "%MW0"), _row(4, "C", "Byte", "%MB1", "New")]
    result = backend.tag_import.import_tags(plc, rows, [], table=DEFAULT, follow_path=True, overwrite=False,
                                            validate_only=True)
    assert (result.tags_imported, result.created_tables, result.warning_count) == (0, ["New"], 1)
    assert backend.tags.list_all_tags(plc) == [] and [x.name for x in backend.tags.list_tag_tables(plc)] == [DEFAULT]
    with pytest.raises(e.ValidationError):
        backend.tag_import.import_tags(plc, [_row(2, "A", "Bool", "%Q9.9")], [], table=DEFAULT, follow_path=False,
                            overwrite=False, validate_only=True)


def test_v17_tables_carry_the_hmi_flags(backend, tmp_path):
    backend.launch_portal(with_ui=False, version="V17")
    backend.create_project(tmp_path / "workspace", "Old", author="", comment="")
    backend.devices.add_device(CPU, None, "PLC_1")
    backend.tags.create_tag("PLC_1", DEFAULT, _spec("A", "Bool", "%I0.0"))
    doc = parse_bytes(backend.tags.export_tag_table_xml("PLC_1", DEFAULT))
    assert doc.engineering_version == "V17"
    assert isinstance(doc.object, PlcTagTable)
    tag = doc.object.tags[0]
    assert (tag.attr("ExternalAccessible"), tag.attr("ExternalVisible"),
            tag.attr("ExternalWritable")) == (True, True, True)
