"""Names to accessors (``image.resolve``) and the tag list (``image.tag_list``)."""

from __future__ import annotations

import pytest

from tools.plc_software import Sim

_PROGRAM = """
TYPE "Pos"
STRUCT
  x : Int;
  ok : Bool;
END_STRUCT
END_TYPE
FUNCTION_BLOCK "FB_T"
VAR_INPUT go : Bool; END_VAR
VAR t : TON_TIME; n : Int; END_VAR
BEGIN
  #t(IN := #go, PT := T#1s);
END_FUNCTION_BLOCK
DATA_BLOCK "T_DB" "FB_T" BEGIN END_DATA_BLOCK
DATA_BLOCK "Data"
VAR
  i : Int; r : Real; b : Bool; t : Time; lt : LTime; s : String[4]; w : Word; us : USInt;
  arr : Array[1..2] of Int;
  grid : Array[0..1, 0..1] of Bool;
  p : "Pos";
  st : Struct a : DInt; END_STRUCT;
END_VAR
BEGIN
END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "T_DB"(go := "Start");
END_ORGANIZATION_BLOCK
"""
_TAGS = [{"name": "Start", "address": "%I0.0", "dataType": "Bool"},
         {"name": "Speed", "address": "%MW10", "dataType": "Int"},
         {"name": "Level", "address": "%QD4", "dataType": "Real"}]


@pytest.fixture(scope="module")
def sim() -> Sim:
    return Sim(_PROGRAM, _TAGS)


@pytest.mark.parametrize(("name", "data_type"), [
    ('"Data".i', "Int"), ("Data.r", "Real"), ('"data".B', "Bool"), ('"Data".t', "Time"), ('"Data".s', "String[4]"),
    ('"Data".arr[2]', "Int"), ('"Data".grid[1,0]', "Bool"), ('"Data".p.x', "Int"), ('"Data".st.a', "DInt"),
    ('"T_DB".t.ET', "Time"), ('"T_DB".go', "Bool"), ('"Start"', "Bool"), ("Speed", "Int"), ("%I0.0", "Bool"),
    ("%IB1", "Byte"), ("%IW2", "Word"), ("%ID4", "DWord"), ("%QW0", "Word"), ("%M1.7", "Bool"), ("%MD100", "DWord"),
])
def test_resolve_names_to_data_types(sim: Sim, name: str, data_type: str) -> None:
    assert sim.image.resolve(sim.mem, name).data_type == data_type


@pytest.mark.parametrize("name", ['"Nope".x', '"Data".nope', '"Data".arr[3]', '"Data".i[1]', "%X1.0", "%I0.9",
                                  '"Data".p.x.y', "1 +", "Data.arr[#k]", "\"Data\".arr[-'a']", '"Data".arr[-T#1s]'])
def test_unknown_names_raise_lookup_error(sim: Sim, name: str) -> None:
    with pytest.raises(LookupError):
        sim.image.resolve(sim.mem, name)


def test_set_converts_json_values_and_get_reads_them(sim: Sim) -> None:
    resolve = sim.image.resolve
    for name, value, expected in [('"Data".i', -5, -5), ('"Data".i', "16#10", 16), ('"Data".r', 2, 2.0),
                                  ('"Data".r', 0.1, 0.10000000149011612), ('"Data".b', True, True),
                                  ('"Data".t', 2500, 2500), ('"Data".t', "T#2s", 2000),
                                  ('"Data".lt', "LT#1ms", 1_000_000), ('"Data".s', "abcd", "abcd"),
                                  ('"Data".w', 65535, 65535), ('"Data".grid[1,1]', True, True)]:
        acc = resolve(sim.mem, name)
        acc.set(value)
        assert acc.get() == expected, name


@pytest.mark.parametrize(("name", "value", "error"), [
    ('"Data".i', 40000, ValueError), ('"Data".us', -1, ValueError), ('"Data".i', True, TypeError),
    ('"Data".i', 1.5, TypeError), ('"Data".b', 2, TypeError), ('"Data".b', "yes", TypeError),
    ('"Data".s', "toolong", ValueError), ('"Data".s', 5, TypeError), ('"Data".r', "x", TypeError),
    ('"Data".p', 1, TypeError), ('"Data".r', 1e39, ValueError),
])
def test_set_refuses_wrong_values(sim: Sim, name: str, value: object, error: type) -> None:
    with pytest.raises(error):
        sim.image.resolve(sim.mem, name).set(value)


def test_tags_and_absolute_operands_share_the_areas(sim: Sim) -> None:
    resolve = sim.image.resolve
    resolve(sim.mem, "Speed").set(-2)
    assert resolve(sim.mem, "%MW10").get() == 0xFFFE and resolve(sim.mem, "%MB11").get() == 0xFE
    resolve(sim.mem, '"Level"').set(1.5)
    assert sim.mem.get("Q", 4, "REAL") == 1.5
    resolve(sim.mem, "%I0.0").set(True)
    sim.scan(3, dt_ms=600)
    assert resolve(sim.mem, '"T_DB".t.Q').get() is True and resolve(sim.mem, '"Start"').get() is True


def test_struct_values_are_copies(sim: Sim) -> None:
    value = sim.image.resolve(sim.mem, '"Data".p').get()
    value["x"] = 99
    assert sim.image.resolve(sim.mem, '"Data".p.x').get() != 99


def test_accessors_survive_reinitialise(sim: Sim) -> None:
    acc = sim.image.resolve(sim.mem, '"Data".arr[1]')
    acc.set(5)
    sim.image.reinitialise(sim.mem, ["Data"])
    assert acc.get() == 0
    acc.set(6)
    assert sim.mem.dbs["data"]["arr"][1] == 6


def test_tag_list_expands_structs_arrays_and_instances(sim: Sim) -> None:
    tags = {t.name: t for t in sim.image.tag_list()}
    for name in ('"Data".arr[1]', '"Data".arr[2]', '"Data".grid[0,1]', '"Data".p.ok', '"Data".st.a', '"T_DB".t.PT',
                 '"T_DB".n'):
        assert name in tags, name
    assert not any("._" in n for n in tags)  # private members of system FBs stay hidden
    assert tags['"Data".s'].data_type == "String[4]" and tags['"Data".i'].address is None
    assert (tags['"Speed"'].data_type, tags['"Speed"'].address) == ("Int", "%MW10")
    assert tags['"Start"'].address == "%I0.0"
    assert sim.image.resolve(sim.mem,
                             "Start").address == "%I0.0" and sim.image.resolve(sim.mem, "%mw2").address == "%MW2"
    assert sim.image.resolve(sim.mem, '"Data".i').address is None
    for name, info in tags.items():  # every leaf can be resolved with the same data type
        assert sim.image.resolve(sim.mem, name).data_type == info.data_type, name
