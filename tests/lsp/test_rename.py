"""Rename through a real LSP client over stdio, on a workspace of SCL sources beside TIA's own exports (a tag table
and a PLC data type): a block's variables of every section, an FB's parameters used through its instances, a PLC
data type's members, blocks; the edit touches the declaration and every use and nothing else; what cannot be
renamed is refused with an error saying why."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tools.lsp_client import Session, session
from tests.lsp.test_navigation import at, doc
from tests.lsp.test_workspace import needs_corpus, plc

MOTOR = '''FUNCTION_BLOCK "Motor"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_INPUT
      start : Bool;   // start the motor
   END_VAR
   VAR_OUTPUT
      running : Bool;
   END_VAR
   VAR_IN_OUT
      count : Int;
   END_VAR
   VAR
      delay : TON;
      recipe : "Recipe";
   END_VAR
   VAR_TEMP
      speed : Real;
   END_VAR
   VAR CONSTANT
      LIMIT_SPEED : Real := 50.0;
   END_VAR

BEGIN
	// start: the comment names start, speed and Motor
	#delay(IN := #start, PT := T#2s);
	#speed := #recipe.speed * 2.0;
	IF #speed > #LIMIT_SPEED THEN
	    #speed := #LIMIT_SPEED;
	END_IF;
	#running := #delay.Q AND #start;
	#count := #count + 1;
	#recipe.name := 'start';
END_FUNCTION_BLOCK
'''

RECIPE = '''TYPE "Recipe"
VERSION : 0.1
   STRUCT
      speed : Real;
      name : String;
   END_STRUCT;

END_TYPE
'''

MOTOR_INST = '''DATA_BLOCK "Motor_Inst"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
NON_RETAIN
"Motor"

BEGIN
   start := TRUE;
END_DATA_BLOCK
'''

SCALE = '''FUNCTION "Scale" : Int
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR_INPUT
      x : Int;
   END_VAR

BEGIN
	#Scale := #x * 2;
END_FUNCTION
'''

LINE = '''FUNCTION_BLOCK "Line"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR
      m1 : "Motor";
      n : Int;
      r : "Recipe";
      calc : "UDT_CALCUL";
   END_VAR

BEGIN
	#m1(start := TRUE, count := #n);
	"Motor_Inst"(start := #m1.running, count := #n);
	#r.speed := INT_TO_REAL("Motor_DB".speed);
	#n := "Scale"(x := #n);
	IF "FALHA_24VDC" AND "Motor_Inst".running THEN
	    #calc.int_1 := #n;
	END_IF;
END_FUNCTION_BLOCK
'''

SOURCES = {"Motor.scl": MOTOR, "Recipe.udt": RECIPE, "Motor_Inst.db": MOTOR_INST, "Scale.scl": SCALE,
           "Line.scl": LINE}
Edits = dict[str, list[tuple[int, int, int]]]


def run(tmp: Path, body: Callable[[Session, Path], Awaitable[Any]]) -> None:
    """``body`` with a session over a PLC folder holding :data:`SOURCES` (Motor.scl and Line.scl open)."""
    blocks = plc(tmp).parent
    for name, text in SOURCES.items():
        (blocks / name).write_text(text, encoding="utf-8")

    async def go() -> None:
        async with session(tmp) as client:
            for name in ("Motor.scl", "Line.scl"):
                found = await client.open(blocks / name)
                assert not [d for d in found if d.severity == types.DiagnosticSeverity.Error], found
            await body(client, blocks)

    asyncio.run(go())


async def rename(client: Session, path: Path, position: types.Position, new_name: str) -> types.WorkspaceEdit:
    edit = await client.client.text_document_rename_async(types.RenameParams(
        text_document=doc(path.as_uri()), position=position, new_name=new_name))
    assert edit is not None and edit.changes is not None
    for edits in edit.changes.values():
        assert {e.new_text for e in edits} == {new_name}
    return edit


def places(edit: types.WorkspaceEdit) -> Edits:
    """file name -> (line, start, end) of each edit."""
    assert edit.changes is not None
    return {Path(uri).name: sorted((e.range.start.line, e.range.start.character, e.range.end.character)
                                   for e in edits) for uri, edits in edit.changes.items()}


def spots(text: str, needle: str, offset: int, length: int) -> list[tuple[int, int, int]]:
    """(line, start, end) of the name ``offset`` characters into every occurrence of ``needle`` in ``text``."""
    found: list[tuple[int, int, int]] = []
    index = text.find(needle)
    while index >= 0:
        start = at(text, needle, offset, nth=len(found))
        found.append((start.line, start.character, start.character + length))
        index = text.find(needle, index + 1)
    return found


def applied(text: str, edit: types.WorkspaceEdit, name: str) -> str:
    """``text`` (of the file ``name``) with the edit's changes to it applied."""
    assert edit.changes is not None
    lines = text.split("\n")
    for uri, edits in edit.changes.items():
        if Path(uri).name != name:
            continue
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            line = lines[e.range.start.line]
            lines[e.range.start.line] = line[:e.range.start.character] + e.new_text + line[e.range.end.character:]
    return "\n".join(lines)


@needs_corpus
def test_rename_a_temp_touches_its_block_only(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "#speed :=", 2), "velocity")
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "speed : Real", 0, 5) + spots(MOTOR, "#speed", 1, 5))}
        text = applied(MOTOR, edit, "Motor.scl")
        assert "#recipe.speed" in text and "names start, speed and Motor" in text
        assert "#velocity := #recipe.speed" in text
        found = await client.replace(blocks / "Motor.scl", text)
        assert not [d for d in found if d.severity == types.DiagnosticSeverity.Error], found

    run(tmp_path, body)


@needs_corpus
def test_rename_constant_inout_and_static(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "LIMIT_SPEED : Real", 3), "MaxSpeed")
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "LIMIT_SPEED", 0, 11))}
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "#delay.Q", 1), "timer")
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "delay", 0, 5))}
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "#count + 1", 1), "total")
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "count", 0, 5)),  # and the callers' ``count :=``
                                "Line.scl": sorted(spots(LINE, "count :=", 0, 5))}

    run(tmp_path, body)


@needs_corpus
def test_rename_a_parameter_renames_the_callers_formal_parameters(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "start : Bool", 0), "enable")
        # not the comment's "start", nor the string 'start', nor TON's IN
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "start : Bool", 0, 5) + spots(MOTOR, "#start", 1, 5)),
                                "Line.scl": sorted(spots(LINE, "(start :=", 1, 5)),
                                "Motor_Inst.db": spots(MOTOR_INST, "start :=", 0, 5)}  # its start value
        await client.replace(blocks / "Motor.scl", applied(MOTOR, edit, "Motor.scl"))
        found = await client.replace(blocks / "Line.scl", applied(LINE, edit, "Line.scl"))
        assert not [d for d in found if d.severity == types.DiagnosticSeverity.Error], found

    run(tmp_path, body)


@needs_corpus
def test_rename_a_member_from_an_instance(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Line.scl", at(LINE, "#m1.running", 5), "busy")
        assert places(edit) == {"Motor.scl": sorted(spots(MOTOR, "running", 0, 7)),
                                "Line.scl": sorted(spots(LINE, "running", 0, 7))}

    run(tmp_path, body)


@needs_corpus
def test_rename_a_udt_member_not_a_same_named_member_of_another_type(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, "#recipe.speed", 9), "rate")
        assert places(edit) == {"Motor.scl": spots(MOTOR, "#recipe.speed", 8, 5),
                                "Line.scl": spots(LINE, "#r.speed", 3, 5),  # not "Motor_DB".speed (Motor_DB's)
                                "Recipe.udt": spots(RECIPE, "speed", 0, 5)}

    run(tmp_path, body)


@needs_corpus
def test_rename_blocks_across_the_workspace(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        edit = await rename(client, blocks / "Line.scl", at(LINE, '"Motor";', 2), "Drive")
        assert places(edit) == {"Motor.scl": [(0, 16, 21)], "Line.scl": spots(LINE, '"Motor";', 1, 5),
                                "Motor_Inst.db": spots(MOTOR_INST, '"Motor"', 1, 5)}
        edit = await rename(client, blocks / "Line.scl", at(LINE, '"Scale"(', 1), "Scaler")
        assert places(edit) == {"Scale.scl": [(0, 10, 15), (8, 2, 7)],  # the function value ``#Scale :=`` too
                                "Line.scl": spots(LINE, '"Scale"', 1, 5)}
        edit = await rename(client, blocks / "Motor.scl", at(MOTOR, '"Recipe"', 3), "Batch")
        assert places(edit) == {"Recipe.udt": [(0, 6, 12)], "Motor.scl": spots(MOTOR, '"Recipe"', 1, 6),
                                "Line.scl": spots(LINE, '"Recipe"', 1, 6)}

    run(tmp_path, body)


async def refusal(client: Session, path: Path, position: types.Position, new_name: str = "fresh") -> str:
    """The message of the error the server answers a rename to ``new_name`` with."""
    with pytest.raises(JsonRpcException) as raised:
        await client.client.text_document_rename_async(types.RenameParams(
            text_document=doc(path.as_uri()), position=position, new_name=new_name))
    assert raised.value.code == types.LSPErrorCodes.RequestFailed
    if new_name == "fresh":  # refused for what is under the cursor: prepareRename refuses it alike
        with pytest.raises(JsonRpcException) as prepared:
            await client.client.text_document_prepare_rename_async(types.PrepareRenameParams(
                text_document=doc(path.as_uri()), position=position))
        assert prepared.value.message == raised.value.message
    return raised.value.message


@needs_corpus
def test_refusals_say_why(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        motor = blocks / "Motor.scl"
        assert "system instruction" in await refusal(client, motor, at(MOTOR, "TON;", 1))
        assert "keyword" in await refusal(client, motor, at(MOTOR, "IF #speed", 1))
        line = blocks / "Line.scl"
        assert "tag table" in await refusal(client, line, at(LINE, '"FALHA_24VDC"', 2))
        assert "SimaticML export" in await refusal(client, line, at(LINE, "#calc.int_1", 7))  # TIA's UDT export
        assert "SimaticML export" in await refusal(client, line, at(LINE, '"UDT_CALCUL"', 2))
        assert "not a plain SCL name" in await refusal(client, motor, at(MOTOR, "#speed", 2), "1speed")
        assert "not a plain SCL name" in await refusal(client, motor, at(MOTOR, "#speed", 2), "END_IF")
        assert "not a plain SCL name" in await refusal(client, motor, at(MOTOR, "#speed", 2), "my speed")
        assert "already declares count" in await refusal(client, motor, at(MOTOR, "#speed", 2), "Count")
        assert "already the name" in await refusal(client, blocks / "Line.scl", at(LINE, '"Scale"(', 1), "Motor")
        await client.replace(motor, MOTOR.replace("END_IF;", "END_I"))  # half typed: the places would be stale
        assert "does not parse" in await refusal(client, motor, at(MOTOR, "#speed", 2))

    run(tmp_path, body)


@needs_corpus
def test_prepare_rename_gives_the_name_and_its_range(tmp_path: Path) -> None:
    async def body(client: Session, blocks: Path) -> None:
        found = await client.client.text_document_prepare_rename_async(types.PrepareRenameParams(
            text_document=doc((blocks / "Line.scl").as_uri()), position=at(LINE, '"Motor_Inst"(', 3)))
        assert isinstance(found, types.PrepareRenamePlaceholder) and found.placeholder == "Motor_Inst"
        start = at(LINE, '"Motor_Inst"(', 1)
        assert found.range == types.Range(start=start, end=types.Position(line=start.line,
                                                                          character=start.character + 10))

    run(tmp_path, body)
