"""SimaticML watch and force tables: read, write, unknown content round-trips, operand syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from simatic_xml import SchemaError, SimaticMLError, UnsafeXmlError, XmlSyntaxError
from simatic_xml.watchtables import (
    FORCE,
    WATCH,
    TableEntry,
    WatchForceTable,
    absolute_address,
    read_table,
    split_peripheral,
    table_to_bytes,
)

DATA = Path(__file__).parent / "data"
"""The input documents of these tests, kept as files like the exports they stand for."""

# What a TIA export is believed to look like (see the module docstring), with content this module does not
# know: a table attribute, an entry attribute and a multilingual comment, all to be kept.
EXPORT = (DATA / "watch_table.xml").read_text(encoding="utf-8")


def test_read_keeps_everything_and_writes_it_back() -> None:
    table = read_table(EXPORT.encode("utf-8"))
    assert (table.kind, table.name, table.version,
            table.attributes) == (WATCH, "Motor_Watch", "V17", {"Comment": "kept"})
    start, word = table.entries
    assert start.operand == '"Start"' and start.get("Address") == "%I0.0" and start.flag("ModifyIntention")
    assert start.attributes["SomethingNew"] == "1" and len(start.extra) == 1
    assert word.get("ModifyValue") is None and word.attributes["ModifyValue"] == "" and not word.flag("ModifyIntention")
    written = table_to_bytes(table)
    assert b"<SomethingNew>1</SomethingNew>" in written and b"<Text>start button</Text>" in written
    assert b"<Comment>kept</Comment>" in written and b"<DocumentInfo>" in written
    assert table_to_bytes(read_table(written)) == written


def test_force_tables() -> None:
    table = WatchForceTable(FORCE, "Force table",
                            [TableEntry("%Q0.0:P", {"ForceValue": "TRUE", "ForceIntention": "true"})])
    written = table_to_bytes(table)
    assert b"<SW.WatchAndForceTables.PlcForceTable " in written
    assert b'<SW.WatchAndForceTables.PlcForceTableEntry ID="1" CompositionName="Entries">' in written
    assert b"<DocumentInfo>" not in written  # V19: no DocumentInfo, as TIA exports it
    back = read_table(written)
    assert (back.kind, back.entries[0].operand, back.entries[0].flag("ForceIntention")) == (FORCE, "%Q0.0:P", True)


@pytest.mark.parametrize(("text", "error"), [
    ("<Document><Engineering version='V19'/>", XmlSyntaxError),
    ('<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><Document>&e;</Document>', UnsafeXmlError),
    (('<Document><Engineering version="V19"/><SW.Types.PlcStruct ID="0"><AttributeList><Name>U</Name>'
      "</AttributeList></SW.Types.PlcStruct></Document>"), SchemaError),
    (('<Document><Engineering version="V19"/><SW.WatchAndForceTables.PlcWatchTable ID="0"><AttributeList>'
      "<Name> </Name></AttributeList></SW.WatchAndForceTables.PlcWatchTable></Document>"), SchemaError),
])
def test_bad_documents_are_refused(text: str, error: type[SimaticMLError]) -> None:
    with pytest.raises(error):
        read_table(text)


def test_entries_of_the_wrong_kind_or_without_operand_are_refused() -> None:
    force_entry = EXPORT.replace("PlcWatchTableEntry", "PlcForceTableEntry")
    with pytest.raises(SchemaError, match="PlcWatchTableEntry entries"):
        read_table(force_entry)
    with pytest.raises(SchemaError, match="no Name"):
        read_table(EXPORT.replace("<Name>%MW10</Name>", ""))


def test_operand_syntax() -> None:
    assert split_peripheral("%I0.0:P") == ("%I0.0", True)
    assert split_peripheral('"Start" : p') == ('"Start"', True)
    assert split_peripheral("%QW4") == ("%QW4", False)
    bit = absolute_address("%IX1.2")
    assert str(absolute_address("%i0.7")) == "%I0.7" and bit is not None and bit.data_type == "Bool"
    addresses = [absolute_address(a) for a in ("%IB0", "%QW4", "%MD100", "%ML8")]
    assert [a.data_type if a is not None else None for a in addresses] == [
        "Byte", "Word", "DWord", "LWord"]
    for bad in ("%I0", "%I0.8", "%IW4.0", "%DB1.DBX0.0", "%T1", '"Start"', "%I-1.0"):
        assert absolute_address(bad) is None, bad
