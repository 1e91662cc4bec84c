"""``scl build`` reports what the one check entry reports: on the corpus's SCL sources, every finding of
``plc check --one-program --allow-missing`` over the same files, same codes and severities, and beyond them only
what generation alone finds. Each source is read once."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from engineering_api.ci.paths import SCL_SUFFIXES, collect
from engineering_api.cli import main
from tests.file_reads import reads_of
from tools.diagnostic_code_scan import produced_codes
from tests.lib.shared_corpus import SHARED

CORPUS = SHARED / "corpus" / "scl"
REPOSITORIES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


@functools.cache
def _generation_only() -> frozenset[str]:
    """Codes only generation gives (the SimaticML writer's refusals and notes): none of them is a compiler rule's.
    Computed when a test needs them: the scan reads the whole source tree, too dear for every worker's collection.
    ``INVALID_DECLARATION`` is made in the generator's declaration rules, which the check entry runs too
    (``simatic_xml.generate.from_source.declaration_errors``): both report it."""
    return frozenset(code for code, files in produced_codes().items()
                     if any(f.startswith("simatic_xml/generate/") for f in files)
                     and not any(f.startswith("engineering_api/rules/") for f in files)) - {"INVALID_DECLARATION"}


PLC_CHECK_ONLY = frozenset({"NOT_SIMULATED"})
"""Codes plc check reports for the program's run on the simulated PLC and scl build has no reason to."""

FC_WRONG_TYPE = '''FUNCTION "FC_Wrong" : Void
   VAR_TEMP
      i : Int;
   END_VAR
BEGIN
   #i := T#5s;
END_FUNCTION
'''


def _json(tmp_path: Path, name: str, *argv: str) -> tuple[int, list[dict[str, Any]]]:
    report = tmp_path / f"{name}.json"
    code = main([*argv, "--format", "json", "--output", str(report)])
    return code, json.loads(report.read_text(encoding="utf-8"))["diagnostics"]


def _key(d: dict[str, Any]) -> tuple[Any, ...]:
    return d["file"], d.get("line"), d.get("column"), d["code"], d["severity"], d["message"]


@pytest.mark.parametrize("repository", REPOSITORIES)
def test_build_reports_what_plc_check_reports_on_the_corpus(repository: str, tmp_path: Path) -> None:
    files = collect([str(CORPUS / repository)], SCL_SUFFIXES)
    checked_code, checked = _json(tmp_path, "check", "plc", "check", "--one-program", "--allow-missing", *files)
    built_code, built = _json(tmp_path, "build", "scl", "build", *files, "--out", str(tmp_path / "out"))
    # NOT_SIMULATED is plc check's word on the simulated PLC (engineering_api.rules.compiler.simulation), which the
    # blocks scl build writes for TIA do not run on: every other finding is the one entry's, on both sides
    checked_keys = sorted(_key(d) for d in checked if d["code"] not in PLC_CHECK_ONLY)
    generation_only = _generation_only()
    from_check = sorted(_key(d) for d in built if d["code"] not in generation_only)
    missing = [k for k in checked_keys if k not in from_check]
    extra = [k for k in from_check if k not in checked_keys]
    assert (missing, extra) == ([], [])
    assert built_code >= checked_code  # generation may refuse more, never less


def test_a_compiler_error_stops_generation_and_fails_the_build(tmp_path: Path) -> None:
    """The build ran the generator's own checks only: a type mismatch passed, exit 0, and FC_Wrong.xml was written."""
    source = tmp_path / "FC_Wrong.scl"
    source.write_text(FC_WRONG_TYPE, encoding="utf-8")
    code, found = _json(tmp_path, "build", "scl", "build", str(source), "--out", str(tmp_path / "out"))
    assert code == 1
    assert [(d["code"], d["severity"], d["line"]) for d in found] == [("TYPE_MISMATCH", "Error", 6)]
    assert not (tmp_path / "out" / "FC_Wrong.xml").exists()


def test_scl_build_reads_each_source_and_context_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build read each source three times (a binary probe, the generator's context, the generation) and each
    context file once more for the context."""
    fb = tmp_path / "FB_A.scl"
    fb.write_text('FUNCTION_BLOCK "FB_A"\n   VAR\n      n : Int;\n   END_VAR\nBEGIN\n   #n := #n + 1;\n'
                  "END_FUNCTION_BLOCK\n", encoding="utf-8")
    idb = tmp_path / "IDB_A.db"
    idb.write_text('DATA_BLOCK "IDB_A"\n"FB_A"\nBEGIN\nEND_DATA_BLOCK\n', encoding="utf-8")
    context = tmp_path / "ctx" / "FC_C.scl"
    context.parent.mkdir()
    context.write_text('FUNCTION "FC_C" : Void\nBEGIN\nEND_FUNCTION\n', encoding="utf-8")
    watched = {fb, idb, context}
    opened = reads_of(monkeypatch, watched)
    assert main(["scl", "build", str(fb), str(idb), "--out", str(tmp_path / "out"), "--output",
                 str(tmp_path / "report.txt"), "--context", str(context)]) == 0
    assert sorted(opened) == ["FB_A.scl", "FC_C.scl", "IDB_A.db"]
    assert (tmp_path / "out" / "IDB_A.xml").is_file()


def test_plc_check_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fc = tmp_path / "FC_A.scl"
    fc.write_text('FUNCTION "FC_A" : Void\nBEGIN\nEND_FUNCTION\n', encoding="utf-8")
    opened = reads_of(monkeypatch, [fc])
    assert main(["plc", "check", str(fc), "--format", "json", "--output", str(tmp_path / "r.json")]) == 0
    assert opened == ["FC_A.scl"]
