"""The rename tests' workspace: SCL sources beside TIA's own exports (a tag table and a PLC data type), a real
LSP session on it, and what a rename's edit changes (its places, and a text with it applied)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Awaitable, Callable

from lsprotocol import types

from tools.lsp_client import Session, session
from tests.lsp.navigation import at, doc
from tests.lsp.workspace_files import plc

__all__ = ("LINE", "MOTOR", "MOTOR_INST", "RECIPE", "SCALE", "SOURCES", "Edits", "applied", "places", "rename", "run",
           "spots")


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
