"""Signature help through a real LSP client over stdio: a call of an FB instance and of an FC of the workspace,
of a system FB's instance (TON), of a typed instruction (MOVE_BLK) and of a string instruction (CONCAT, MID from
the signature catalog); the active parameter follows the cursor (by ``name :=``, else by position)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

from lsprotocol import types

from tools.lsp_client import session
from tests.lsp.navigation import at, doc
from tests.lsp.rename_workspace import SOURCES
from tests.lsp.workspace_files import needs_corpus, plc

CALLS = '''FUNCTION_BLOCK "Calls"
{ S7_Optimized_Access := 'TRUE' }
VERSION : 0.1
   VAR
      m1 : "Motor";
      t : TON;
      n : Int;
      text : String;
      data : Array[0..9] of Int;
      copy : Array[0..9] of Int;
      len : Int;
   END_VAR

BEGIN
	#m1(start := TRUE,
	    count := #n);
	#n := "Scale"(x := #n);
	"Motor_Inst"(start := FALSE, count := #n);
	#t(IN := TRUE, PT := T#1s);
	MOVE_BLK(IN := #data[0], COUNT := 5, OUT => #copy[0]);
	#text := CONCAT(IN1 := 'a', IN2 := MID(IN := #text, L := 2, P := 1));
	#n := LIMIT(MN := 0, IN := (#n + 1), MX := 10);
	#len := LEN(#text);
END_FUNCTION_BLOCK
'''

Help = tuple[str, list[str], list[str], Optional[int]]


def help_at(tmp: Path, positions: list[types.Position]) -> list[Optional[Help]]:
    """The signature help at each position of :data:`CALLS` (opened beside the sources of the rename tests):
    the label, the parameters' labels and documentation, the active parameter."""
    blocks = plc(tmp).parent
    for name, text in SOURCES.items():
        (blocks / name).write_text(text, encoding="utf-8")
    calls = blocks / "Calls.scl"
    calls.write_text(CALLS, encoding="utf-8")

    async def go() -> list[Optional[Help]]:
        found: list[Optional[Help]] = []
        async with session(tmp) as client:
            diagnostics = await client.open(calls)
            assert not [d for d in diagnostics if d.severity == types.DiagnosticSeverity.Error], diagnostics
            for position in positions:
                answer = await client.client.text_document_signature_help_async(types.SignatureHelpParams(
                    text_document=doc(calls.as_uri()), position=position))
                found.append(None if answer is None else shown(answer))
        return found

    return asyncio.run(go())


def shown(answer: types.SignatureHelp) -> Help:
    [signature] = answer.signatures
    labels = []
    for parameter in signature.parameters or []:
        assert isinstance(parameter.label, tuple)
        labels.append(signature.label[parameter.label[0]:parameter.label[1]])
    docs = [str(p.documentation) for p in signature.parameters or []]
    assert signature.active_parameter == answer.active_parameter
    return signature.label, labels, docs, answer.active_parameter


@needs_corpus
def test_signature_help_of_workspace_blocks(tmp_path: Path) -> None:
    fb_start, fb_count, fc_x, db_count = help_at(tmp_path, [
        at(CALLS, "start := TRUE", 9), at(CALLS, "count := #n", 6), at(CALLS, '"Scale"(x', 8),
        at(CALLS, "count := #n);", 9, nth=1)])
    assert fb_start == ("Motor(start : Bool, running : Bool, count : Int)", ["start : Bool", "running : Bool",
                                                                             "count : Int"],
                        ["Input", "Output", "InOut"], 0)
    assert fb_count is not None and fb_count[3] == 2  # named: the second line of the call, count
    assert fc_x == ("Scale(x : Int) : Int", ["x : Int"], ["Input"], 0)
    assert db_count == (fb_start[0], fb_start[1], fb_start[2], 2)  # through the instance DB "Motor_Inst"


@needs_corpus
def test_signature_help_of_system_instructions(tmp_path: Path) -> None:
    ton_in, ton_pt, move_in, move_out, concat, mid_l, limit_mx, length = help_at(tmp_path, [
        at(CALLS, "#t(IN", 3), at(CALLS, "PT := T#1s", 6), at(CALLS, "MOVE_BLK(", 9),
        at(CALLS, "OUT => #copy", 7), at(CALLS, "IN2 := MID", 4), at(CALLS, "L := 2", 5), at(CALLS, "MX := 10", 5),
        at(CALLS, "LEN(#", 4)])
    assert ton_in is not None and ton_in[0].startswith("TON(IN : Bool, PT : Time, Q : Bool, ET : Time)")
    assert ton_in[2] == ["Input", "Input", "Output", "Output"] and ton_in[3] == 0
    assert ton_pt is not None and ton_pt[3] == 1
    assert move_in is not None and move_in[1] == ["IN : ANY", "COUNT : ANY_INT", "OUT : ANY"] and move_in[3] == 0
    assert move_out is not None and move_out[2][2] == "Output" and move_out[3] == 2
    assert concat is not None and concat[1] == ["IN1 : ANY_STRING", "IN2 : ANY_STRING"] and concat[3] == 1
    assert concat[0].endswith(": ANY_STRING")
    # inside MID's parentheses (an argument of CONCAT): MID's signature
    assert mid_l is not None and mid_l[0].startswith("MID(") and mid_l[3] == 1
    # LIMIT's MX after a parenthesized argument: the parentheses of (#n + 1) are no call
    assert limit_mx is not None and limit_mx[0].startswith("LIMIT(") and limit_mx[3] == 2
    # LEN beside the local len : Int: the instruction, as the checker reads it
    assert length is not None and length[0].startswith("LEN(IN : ANY)") and length[3] == 0


@needs_corpus
def test_active_parameter_moves_while_typing(tmp_path: Path) -> None:
    typed = CALLS.replace("\t#n := LIMIT", "\t#n := LIMIT(0, #n, \n\t#n := LIMIT")
    half = typed.index("LIMIT(0, #n, \n")
    line = typed.count("\n", 0, half)
    column = half - typed.rfind("\n", 0, half) - 1
    outside = at(CALLS, "BEGIN", 2)
    positions = [types.Position(line=line, character=column + n) for n in (6, 7, 10, 13)] + [outside]

    async def go() -> list[Optional[int]]:
        blocks = plc(tmp_path).parent
        for name, text in SOURCES.items():
            (blocks / name).write_text(text, encoding="utf-8")
        calls = blocks / "Calls.scl"
        calls.write_text(CALLS, encoding="utf-8")
        found: list[Optional[int]] = []
        async with session(tmp_path) as client:
            await client.open(calls)
            await client.replace(calls, typed)  # half typed: the text does not parse
            for position in positions:
                answer = await client.client.text_document_signature_help_async(types.SignatureHelpParams(
                    text_document=doc(calls.as_uri()), position=position))
                found.append(None if answer is None else answer.active_parameter)
        return found

    assert asyncio.run(go()) == [0, 0, 1, 2, None]


def test_rename_and_signature_help_are_advertised() -> None:
    async def go(capabilities: types.ClientCapabilities) -> types.ServerCapabilities:
        async with session(capabilities=capabilities) as client:
            assert client.capabilities is not None
            return client.capabilities

    plain = asyncio.run(go(types.ClientCapabilities()))
    assert plain.rename_provider is True  # a client that does not say it can prepare a rename
    signature = plain.signature_help_provider
    assert signature is not None and list(signature.trigger_characters or []) == ["(", ","]
    preparing = asyncio.run(go(types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
        rename=types.RenameClientCapabilities(prepare_support=True)))))
    assert preparing.rename_provider == types.RenameOptions(prepare_provider=True)
