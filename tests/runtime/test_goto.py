"""GOTO and jump labels in SCL on the simulated PLC.

Source: STEP 7 help, SCL "GOTO: Jump" (S7-1200/S7-1500): the program continues at the jump label GOTO names, which
is in the same block; the statements in between are not run. The run model (fakes/runtime/codegen_jumps.py): a
block is cut at the labels of its SCL networks' own statement lists (REGIONs included); a GOTO leaves the loops
and IFs it stands in; jumps count as a loop's passes (docs/simulated-plc.md: more than 1,000,000 in one call is
the cycle-time error); a GOTO to a label inside IF, CASE or a loop is reported by ``plc check`` and stops the CPU
when it runs. Corpus: Amadeusz97/TIA_H4 DeserializeRows.scl (a TIA export: ``GOTO END;`` inside IF statements to
``END:`` in a REGION) and BjAlvestad/vscode-simatic-scl iteration-and-jump-instructions.scl (a backward jump).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from fakes.runtime.errors import PlcRuntimeError, UnsupportedInstructionError
from tests.ci.corpus_repos import CORPUS
from tests.runtime.plc_check_findings import plc_check
from tools.plc_software import Sim
from tests.lib.shared_corpus import READS_SHARED

_SEQUENCE = '''
DATA_BLOCK "D"
VAR
  step : Int; trace : Int; count : Int; i : Int; endless : Bool; skipped : Bool; nested : Bool;
END_VAR
BEGIN END_DATA_BLOCK
FUNCTION_BLOCK "Seq"
VAR n : Int; END_VAR
BEGIN
  #n := 0;
  CASE "D".step OF
    1: GOTO Step_1;
    2: GOTO Step_2;
  END_CASE;
  "D".trace := 0;
  GOTO Done;
Step_1:
  "D".trace := 10;
  FOR "D".i := 1 TO 10 DO
    IF "D".i = 3 THEN
      GOTO Step_2;
    END_IF;
  END_FOR;
  "D".skipped := TRUE;
REGION the second step
  Step_2:
    "D".trace := "D".trace + 1;
    #n := #n + 1;
    IF #n < 5 THEN
      GOTO Step_2;
    END_IF;
    "D".count := #n;
END_REGION
Done:
  IF "D".endless THEN
    GOTO Done;
  END_IF;
END_FUNCTION_BLOCK
DATA_BLOCK "Seq_DB" "Seq" BEGIN END_DATA_BLOCK
ORGANIZATION_BLOCK "Main"
BEGIN
  "Seq_DB"();
END_ORGANIZATION_BLOCK
'''


@pytest.mark.parametrize(("step", "trace", "count"), [
    (0, 0, 0),  # forward over both steps
    (1, 15, 5),  # out of a FOR loop at its third pass, then back to Step_2 four times
    (2, 20, 5),  # straight to Step_2 (in a REGION); trace goes on from the last scan's
])
def test_jumps_forward_backward_and_out_of_a_loop(step: int, trace: int, count: int) -> None:
    sim = Sim(_SEQUENCE)
    sim['"D".trace'] = 15 if step == 2 else 0
    sim['"D".step'] = step
    sim.scan()
    assert (sim['"D".trace'], sim['"D".count']) == (trace, count)
    assert sim['"D".skipped'] is False  # the statement between the jump and its label never ran
    if step == 1:
        assert sim['"D".i'] == 3  # the loop was left by the jump: its run variable keeps the value it had


def test_an_endless_jump_loop_is_the_cycle_time_error() -> None:
    sim = Sim(_SEQUENCE)
    sim['"D".endless'] = True
    with pytest.raises(PlcRuntimeError) as info:
        sim.scan()
    assert (info.value.code, info.value.block) == ("cycle-time-exceeded", "Seq")


def _not_simulated(source: Path) -> list[dict[str, Any]]:
    return [d for d in plc_check(source)[1] if d["code"] == "NOT_SIMULATED"]


def test_plc_check_reports_only_a_goto_to_a_label_inside_a_statement(tmp_path: Path) -> None:
    inside = _SEQUENCE.replace('''  IF "D".endless THEN
    GOTO Done;
  END_IF;''', '''  IF "D".nested THEN
    GOTO Inner;
  END_IF;
  IF "D".step = 9 THEN
    Inner: "D".count := 99;
  END_IF;''')
    source = tmp_path / "sequence.scl"
    source.write_text(_SEQUENCE, encoding="utf-8")
    assert _not_simulated(source) == []
    source.write_text(inside, encoding="utf-8")
    found = _not_simulated(source)
    assert [(d["message"].split('"')[1], d["line"]) for d in found] == [("GOTO", inside.splitlines().index(
        "    GOTO Inner;") + 1)]
    sim = Sim(inside)
    sim.scan()  # the GOTO that is not simulated is not reached: the block runs
    sim['"D".nested'] = True
    with pytest.raises(UnsupportedInstructionError):
        sim.scan()


DESERIALIZE = CORPUS / "scl" / "Amadeusz97__TIA_H4" / "PLC_1" / "Program blocks" / "MS_SQL" / "LSql" / \
    "DeserializeRows.scl"
BACKWARD = CORPUS / "scl" / "BjAlvestad__vscode-simatic-scl" / "test" / "examples" / \
    "iteration-and-jump-instructions.scl"


@READS_SHARED
@pytest.mark.parametrize("source", [DESERIALIZE, BACKWARD], ids=lambda p: p.name)
def test_corpus_gotos_are_not_reported(source: Path, tmp_path: Path) -> None:
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    assert _not_simulated(copy) == []
