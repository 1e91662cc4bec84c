"""Rename through a real LSP client over stdio, on a workspace of SCL sources beside TIA's own exports (a tag table
and a PLC data type): a block's variables of every section, an FB's parameters used through its instances, a PLC
data type's members, blocks; the edit touches the declaration and every use and nothing else; what cannot be
renamed is refused with an error saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tools.lsp_client import Session
from tests.lsp.navigation import at, doc
from tests.lsp.rename_workspace import LINE, MOTOR, MOTOR_INST, RECIPE, applied, places, rename, run, spots
from tests.lsp.workspace_files import needs_corpus

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
