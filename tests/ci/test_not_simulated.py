"""A call of an instruction the simulated PLC does not run is said before it runs: ``plc check`` and ``test run``
report a ``NOT_SIMULATED`` warning at the call's line naming the instruction and the catalogue's reason
(docs/instructions.md), on SCL sources, SCL networks and LAD/FBD boxes of SimaticML blocks; ``test run`` makes it an
error when a case's ``requireSimulated`` or ``--require-simulated`` asks, and then runs no test.

The programs are corpus files (lopez-dev's buffer and log FBs call READ_CLK and VAL_STRG, Czarnak's FC PEEK and
POKE, Amadeusz97's LAD FB MC_POWER boxes; lopez-dev's clock FBs call RD_SYS_T and RD_LOC_T, simulated since) and
small programs written here around calls of the issue's sample.
"""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from engineering_api.rules.compiler.simulation import not_simulated_call, not_simulated_part
from tests.ci.corpus_repos import CORPUS
from tests.scl_frames import global_db, main_ob
from tests.lib.shared_corpus import READS_SHARED

LOPEZ = CORPUS / "scl" / "lopez-dev__Siemens-SCL-Source-Files"
WARNED_SOURCES = {LOPEZ / "Buffer" / "Buffer.scl": ("READ_CLK", 111),
                  LOPEZ / "LogMsg" / "LogMsg.scl": ("VAL_STRG", 340)}
SIMULATED_ONLY = (LOPEZ / "DoorLock" / "DoorLock.scl", LOPEZ / "TaktGenerator" / "FB_Taktgenerator.scl",
                  LOPEZ / "Timer" / "Timer.scl")
PEEK_POKE = CORPUS / "simaticml" / "fc" / "Czarnak_MHJ-PLC-Lab-Function-S71200.xml"
MC_POWER_LAD = CORPUS / "simaticml" / "fb" / "Amadeusz97_CentralShifter.xml"
needs_corpus = READS_SHARED


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def _plc_check(*paths: Path) -> tuple[int, list[dict[str, Any]]]:
    code, text = _run("plc", "check", *map(str, paths), "--format", "json")
    return code, [d for d in json.loads(text)["diagnostics"] if d["code"] == "NOT_SIMULATED"]


@needs_corpus
@pytest.mark.parametrize("source", sorted(WARNED_SOURCES), ids=lambda p: p.name)
def test_plc_check_warns_at_each_call_of_a_corpus_source(source: Path, tmp_path: Path) -> None:
    name, line = WARNED_SOURCES[source]
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    code, found = _plc_check(copy)
    assert code == 0  # a warning: the file TIA accepts still passes
    named = [d for d in found if f'"{name}" is not simulated: {not_simulated_call(name)}' in d["message"]]
    assert (line, "Warning") in [(d["line"], d["severity"]) for d in named]
    text = copy.read_text(encoding="utf-8").splitlines()
    assert all(d["message"].split('"')[1] in text[d["line"] - 1] for d in found)  # each at its call's line


@needs_corpus
@pytest.mark.parametrize("source", SIMULATED_ONLY, ids=lambda p: p.name)
def test_plc_check_says_nothing_of_a_corpus_source_that_calls_only_simulated_instructions(
        source: Path, tmp_path: Path) -> None:
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    assert _plc_check(copy) == (0, [])


def _export_lines(path: Path) -> list[tuple[int, str]]:
    """(export line, instruction) of each NOT_SIMULATED warning of ``plc check``'s text report on ``path``: the
    text report places a network's finding on the line of its element in the export (JSON keeps the network's)."""
    _, text = _run("plc", "check", str(path))
    return [(int(line.split(":")[1]), line.split('"')[1]) for line in text.splitlines() if "[NOT_SIMULATED]" in line]


@needs_corpus
def test_scl_networks_and_lad_boxes_of_simaticml_blocks_are_reported_at_their_export_line() -> None:
    lines = PEEK_POKE.read_text(encoding="utf-8").splitlines()
    scl = _export_lines(PEEK_POKE)
    # its RD_SYS_T and WR_SYS_T run, and its GOTO, whose label stands in an SCL network's own statement list
    assert {name for _, name in scl} == {"PEEK", "POKE"}
    assert all(f'<Instruction Name="{name}"' in lines[line] for line, name in scl)  # <Access Scope="Call"> then
    lines = MC_POWER_LAD.read_text(encoding="utf-8").splitlines()
    powers = [line for line, name in _export_lines(MC_POWER_LAD) if name == "MC_POWER"]
    assert powers and all('<Part Name="MC_POWER"' in lines[line - 1] for line in powers)
    assert not_simulated_part("MC_POWER") is not None


def _program(*calls: str) -> str:
    return "\n".join((global_db("D", "t : DTL", "d : Date", "clock : Time_Of_Day", "stamp : Date_And_Time", "ret : Int",
                                "x : Real", "run : Bool", "hours : DInt"),
                      main_ob(*calls)))


SAMPLE = ('"D".x := ABS("D".x);', '"D".ret := RTM(NR := 1, MODE := 0, PV := 0, CQ => "D".run, CV => "D".hours);',
          '"D".clock := DT_TOD("D".stamp);', '"D".ret := DT_DAY("D".stamp);')


def test_every_call_of_the_sample_is_reported_at_its_line_and_only_those(tmp_path: Path) -> None:
    source = tmp_path / "program.scl"
    source.write_text(_program(*SAMPLE), encoding="utf-8")
    _, found = _plc_check(source)
    lines = source.read_text(encoding="utf-8").splitlines()
    named = {d["message"].split('"')[1]: d["line"] for d in found}
    assert set(named) == {"RTM", "DT_TOD", "DT_DAY"}
    assert all(name in lines[line - 1] for name, line in named.items())


def test_other_checks_do_not_report_it(tmp_path: Path) -> None:
    """Only the commands whose program is to run on the simulated PLC say it (scl check is about TIA's verdict)."""
    source = tmp_path / "program.scl"
    source.write_text(_program(*SAMPLE), encoding="utf-8")
    _, text = _run("scl", "check", str(source), "--format", "json")
    assert "NOT_SIMULATED" not in text


def _test_folder(tmp_path: Path, case: dict[str, Any]) -> Path:
    program = _program('IF "D".run THEN', '   "D".ret := RTM(NR := 1, MODE := 0, PV := 0, CV => "D".hours);', "END_IF;",
                       '"D".x := ABS("D".x);')
    (tmp_path / "program.scl").write_text(program, encoding="utf-8")
    (tmp_path / "abs.test.json").write_text(json.dumps([case]), encoding="utf-8")
    return tmp_path


ABS_CASE = {"name": "abs", "steps": [{"write": {'"D".x': -2.0}, "cycles": 1, "assert": {'"D".x': 2.0}}]}


def test_test_run_warns_before_it_runs_and_still_runs(tmp_path: Path) -> None:
    code, text = _run("test", "run", str(_test_folder(tmp_path, ABS_CASE)))
    assert code == 0, text
    warning = next(line for line in text.splitlines() if "[NOT_SIMULATED]" in line)
    assert "program.scl:" in warning and "warning:" in warning and '"RTM"' in warning
    assert text.index("[NOT_SIMULATED]") < text.index("1 passed")


@pytest.mark.parametrize("how", ["field", "option"])
def test_test_run_refuses_to_run_when_simulation_is_required(tmp_path: Path, how: str) -> None:
    case = {**ABS_CASE, "requireSimulated": True} if how == "field" else ABS_CASE
    extra = ["--require-simulated"] if how == "option" else []
    code, text = _run("test", "run", str(_test_folder(tmp_path, case)), *extra)
    assert code == 1, text
    assert "error:" in text and "[NOT_SIMULATED]" in text and "PLC tests NOT RUN" in text
    assert ("--require-simulated" if how == "option" else "abs.test.json:1 (requireSimulated)") in text


def test_a_case_that_does_not_require_it_runs(tmp_path: Path) -> None:
    code, text = _run("test", "run", str(_test_folder(tmp_path, {**ABS_CASE, "requireSimulated": False})))
    assert code == 0 and "1 passed" in text, text


def test_a_require_simulated_field_that_is_no_boolean_is_an_invalid_test_file(tmp_path: Path) -> None:
    code, text = _run("test", "run", str(_test_folder(tmp_path, {**ABS_CASE, "requireSimulated": "yes"})))
    assert code != 0 and "[TEST_FILE_INVALID]" in text and "requireSimulated must be true or false" in text, text
