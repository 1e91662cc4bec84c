"""``--format sarif`` of ``scl check``, ``simaticml check`` and ``plc check`` on real exports, validated against the
official SARIF 2.1.0 JSON schema (``data/sarif``, see its README for source and licence), with the same places as
the text format."""

from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest

from engineering_api.cli import main
from tests.ci.corpus_repos import CORPUS

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
TEXT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:(?P<column>\d+):)? (?:error|warning): .* "
                       r"\[(?P<code>[A-Z_]+)\]$")


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def _valid(log: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    assert log["version"] == "2.1.0"
    return log


def _places(log: dict[str, Any]) -> list[tuple[str, int, int | None, str]]:
    """(file, line, column, code) of each result with a line, as the text format lists them."""
    found = []
    for result in log["runs"][0]["results"]:
        physical = result["locations"][0]["physicalLocation"] if result.get("locations") else {}
        region = physical.get("region")
        if region is None or result.get("properties", {}).get("placement"):
            continue  # a finding without a line of its own (text: "file: error: …"), placed on its block or file
        found.append((unquote(physical["artifactLocation"]["uri"]), region.get("startLine", 0),
                      region.get("startColumn"),
                      result["ruleId"]))
    return found


def _text_places(text: str) -> list[tuple[str, int, int | None, str]]:
    found = []
    for line in text.splitlines():
        match = TEXT_LINE.match(line)
        if match:
            column = int(match["column"]) if match["column"] else None
            found.append((match["file"].removeprefix("./"), int(match["line"]), column, match["code"]))
    return found


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of real repositories of the corpus as a checkout; the working directory is its root."""
    if not CORPUS.is_dir():
        pytest.fail(f"the corpus is not at {CORPUS}")
    shutil.copytree(CORPUS / "scl" / "Amadeusz97__TIA_H4", tmp_path / "scl-repo")
    shutil.copytree(CORPUS / "scl" / "BjAlvestad__vscode-simatic-scl" / "test" / "examples" / "TestBlocks",
                    tmp_path / "rejected")
    shutil.copytree(CORPUS / "simaticml" / "fb", tmp_path / "exports")
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scl_check_sarif_is_valid_with_relative_uris_lines_and_columns(repository: Path) -> None:
    code, text = _run("scl", "check", "scl-repo")
    sarif_code, out = _run("scl", "check", "scl-repo", "--format", "sarif")
    log = _valid(json.loads(out))
    assert code == sarif_code == 1  # MISSING_* errors: the repository's other PLC objects are not exported
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repository.resolve().as_uri() + "/"
    assert _places(log) == _text_places(text) != []
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert location["artifactLocation"]["uri"].startswith("scl-repo/PLC_1/Program%20blocks/")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
        assert result["level"] == "error" and result["message"]["text"]
        rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] and "docs/diagnostic-codes.md#" in rule["help"]["text"]
        assert "helpUri" not in rule  # no address configured: the schema wants an absolute URI


def test_plc_check_sarif_puts_tia_refusal_on_its_line(repository: Path) -> None:
    """FB_MyTestFB_A.scl: TIA refuses line 96 (SOURCES.tsv: "CASE labels must be constants")."""
    code, out = _run("plc", "check", "rejected/FB_MyTestFB_A.scl", "--allow-missing", "--format", "sarif",
                     "--docs-url", "https://example.org/engineering-api/docs/diagnostic-codes.md")
    log = _valid(json.loads(out))
    assert code == 1
    errors = [r for r in log["runs"][0]["results"] if r["level"] == "error"]
    at_96 = [r for r in errors if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 96]
    assert at_96, errors
    assert at_96[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "rejected/FB_MyTestFB_A.scl"
    rule = log["runs"][0]["tool"]["driver"]["rules"][at_96[0]["ruleIndex"]]
    assert rule["helpUri"].startswith("https://example.org/engineering-api/docs/diagnostic-codes.md#")
    assert rule["defaultConfiguration"]["level"] == "error"


def test_simaticml_check_sarif_gives_the_file_line_of_the_text_format(repository: Path) -> None:
    code, text = _run("simaticml", "check", "exports")
    sarif_code, out = _run("simaticml", "check", "exports", "--format", "sarif")
    log = _valid(json.loads(out))
    assert code == sarif_code
    assert _places(log) == _text_places(text) != []
    assert all(uri.startswith("exports/") for uri, *_ in _places(log))
    # GitHub refuses the whole file when one result has no location (github/codeql-action#1738)
    results = log["runs"][0]["results"]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("exports/")
               for r in results)


def test_a_finding_without_a_file_goes_on_its_blocks_file_or_the_first_file(tmp_path: Path) -> None:
    from simatic_xml.diagnostics import Diagnostic

    from engineering_api.ci.sarif import to_sarif

    files = [str(tmp_path / "a" / "Other.xml"), str(tmp_path / "b" / "Main.xml")]
    findings = [Diagnostic("x", block="Main", code="DUPLICATE_NAME", line=3),
                Diagnostic("y", block=None, code="MISSING_TYPE", severity="Warning")]
    log = _valid(to_sarif(findings, [], root=tmp_path, version="0", files=files))
    placed = [r["locations"][0]["physicalLocation"] for r in log["runs"][0]["results"]]
    # the files are gone: each result goes on its file's first line, and says so
    assert placed == [{"artifactLocation": {"uri": "b/Main.xml", "uriBaseId": "SRCROOT"}, "region": {"startLine": 1}},
                      {"artifactLocation": {"uri": "a/Other.xml", "uriBaseId": "SRCROOT"}, "region": {"startLine": 1}}]
    assert [r["properties"]["placement"] for r in log["runs"][0]["results"]] == ["file", "file"]
    assert log["runs"][0]["results"][1]["message"]["text"].endswith("placed on the first file checked)")


def test_a_clean_run_is_a_valid_empty_log(repository: Path) -> None:
    clean = repository / "clean.scl"
    clean.write_text('FUNCTION "F" : Int\nBEGIN\n    #F := 1;\nEND_FUNCTION\n')
    code, out = _run("scl", "check", "clean.scl", "--format", "sarif")
    log = _valid(json.loads(out))
    assert code == 0 and log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
