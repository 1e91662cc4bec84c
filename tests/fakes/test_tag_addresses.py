"""Tag-table address rules of the fake: forms, sizes per data type, forbidden areas, overlaps."""

from __future__ import annotations

import pytest

from engineering_api.rules.addresses import (
    AddressError,
    OverlapIndex,
    check_address,
    parse_address,
)
from engineering_api.rules.values import (
    RuleError,
    check_name,
    check_value,
    resolve_type,
)


@pytest.mark.parametrize(("text", "data_type", "canonical"), [
    ("%I0.0", "Bool", "%I0.0"), ("%Q1.7", "Bool", "%Q1.7"), ("%M10.3", "Bool", "%M10.3"), ("%IB2", "Byte", "%IB2"),
    ("%QW4", "Int", "%QW4"), ("%MD100", "Real", "%MD100"), ("%IW64", "Word", "%IW64"), ("%ID8", "DInt", "%ID8"),
    ("%MB1", "SInt", "%MB1"), ("%MW2", "UInt", "%MW2"), ("%MD4", "Time", "%MD4"), ("%QB3", "Char", "%QB3"),
    ("i0.0", "Bool", "%I0.0"), ("% mw 12", "Int", "%MW12"), ("%E0.1", "Bool", "%I0.1"), ("%AW4", "Int", "%QW4"),
    ("%T5", "Timer", "%T5"), ("%C3", "Counter", "%C3"), ("%IW1000", "Hw_Hsc", "%IW1000"), ("%MB16", "LReal", "%MB16"),
])
def test_good_addresses(text, data_type, canonical):
    assert check_address(text, data_type).text == canonical


@pytest.mark.parametrize(("text", "data_type", "words"), [
    ("%DB1.DBX0.0", "Bool", "data block address"), ("DB1.DBW2", "Int", "data block address"),
    ("%DBX0.0", "Bool", "data block address"), ("%DI2.DBD0", "DInt", "data block address"),
    ("%I0.8", "Bool", "bit number"), ("%M1.9", "Bool", "bit number"),
    ("%MW10", "Bool", "bit address"), ("%M10.0", "Int", "word address"), ("%MB10", "Int", "word address"),
    ("%MW10", "DInt", "double-word"), ("%MW10", "Real", "double-word"), ("%MD10", "Byte", "byte address"),
    ("%MW10", "SInt", "byte address"), ("%IW2:P", "Int", "peripheral"), ("%L0.0", "Bool", "local data"),
    ("%X1", "Bool", "not an address"), ("%I10", "Bool", "not an address"), ("", "Bool", "empty"),
    ("%M70000.0", "Bool", "beyond"), ("%T1", "Int", "data type must be Timer"), ("%MW0", "Timer", "needs a %T"),
])
def test_refused_addresses(text, data_type, words):
    with pytest.raises(AddressError, match=words):
        check_address(text, data_type)


def test_structured_types_start_on_a_byte():
    assert check_address("%I4.0", "Array[0..7] of Bool", structured=True).text == "%I4.0"
    assert check_address("%MB10", '"Motor"', structured=True).text == "%MB10"
    with pytest.raises(AddressError, match="byte boundary"):
        check_address("%M10.3", '"Motor"', structured=True)


def test_overlaps():
    index = OverlapIndex()
    assert index.add("W10", parse_address("%MW10"), "Word") == []
    assert index.add("B11", parse_address("%MB11"), "Byte") == [("W10", "%MW10")]
    assert index.add("X10_0", parse_address("%M10.0"), "Bool") == [("W10", "%MW10")]
    assert index.add("X10_1", parse_address("%M10.1"), "Bool") == [("W10", "%MW10")]
    assert index.add("I10", parse_address("%IW10"), "Word") == []
    assert sorted(index.add("D8", parse_address("%MD8"), "DInt")) == [
        ("B11", "%MB11"), ("W10", "%MW10"), ("X10_0", "%M10.0"), ("X10_1", "%M10.1")]
    assert index.add("X10_0b", parse_address("%M10.0"),
                     "Bool") == [("W10", "%MW10"), ("X10_0", "%M10.0"), ("D8", "%MD8")]


def test_names_types_and_values():
    assert check_name("Motor 1_Run") == "Motor 1_Run"
    for bad in ("", " lead", 'a"b', "x" * 129, "tab\tname"):
        with pytest.raises(RuleError):
            check_name(bad)
    assert resolve_type("bool", {}) == ("Bool", False)
    assert resolve_type("tod", {}) == ("Time_Of_Day", False)
    assert resolve_type("String[20]", {}) == ("String[20]", True)
    assert resolve_type("array[1..4] of int", {}) == ("Array[1..4] of Int", True)
    assert resolve_type('"motor"', {"motor": "Motor"}) == ('"Motor"', True)
    for bad in ("Banana", "Variant", '"Missing"', "Array[4..1] of Int"):
        with pytest.raises(RuleError):
            resolve_type(bad, {})
    assert resolve_type("DTL", {}, for_constant=True) == ("DTL", False)
    with pytest.raises(RuleError):
        resolve_type("DTL", {})
    assert check_value("Int", "-32768") == "-32768"
    assert check_value("Word", "16#FFFF") == "16#FFFF"
    assert check_value("Byte", "2#1010") == "2#1010"
    assert check_value("Bool", "TRUE") == "TRUE"
    assert check_value("Real", "1.5e3") == "1.5e3"
    assert check_value("Int", "INT#5") == "INT#5"
    for data_type, value in (("Int", "32768"), ("USInt", "-1"), ("Word", "16#10000"), ("Bool", "maybe"), ("Real", "x"),
                             ("Int", "")):
        with pytest.raises(RuleError):
            check_value(data_type, value)
