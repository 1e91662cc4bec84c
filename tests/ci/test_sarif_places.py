"""Every SARIF result placed on a line, fingerprints that survive unrelated edits, and ``--baseline``.

Code scanning places a result by its region and tells a moved finding from a new one by its fingerprint; a
pipeline with ``--baseline`` fails only on new findings. Tested on the whole SimaticML corpus (every result has a
region) and on a source edited as a developer edits it: lines added above a known finding (it moves), a new
finding written below.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from engineering_api.cli import main
from tests.ci.corpus_repos import CORPUS

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
FINGERPRINT = "engineeringApi/v1"
SOURCE = """FUNCTION "FC_Tags" : Void
VAR_TEMP
    x : Int;
END_VAR
BEGIN
    #x := 1;
    #x := #missing;
END_FUNCTION
"""
NOT_OWN_LINE = {"TOO_MANY_DIAGNOSTICS"}
"""Codes that are about the run, not a place: they go on the file's first line."""


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _log(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text())
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return log


def _results(log: dict[str, Any]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = log["runs"][0]["results"]
    return results


@pytest.fixture(scope="module", params=["simaticml", "scl"])
def corpus_log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``plc check --format sarif`` of the corpus's SimaticML exports, then of its SCL sources."""
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus is not at {CORPUS}")
    out = tmp_path_factory.mktemp("sarif") / "corpus.sarif"
    code, _, _ = _run("plc", "check", str(CORPUS / request.param), "--format", "sarif", "--output", str(out))
    assert code in (0, 1)
    return _log(out)


def test_every_result_over_the_corpus_has_a_region_and_a_fingerprint(corpus_log: dict[str, Any]) -> None:
    results = _results(corpus_log)
    assert len(results) > 100
    unplaced = [r["ruleId"] for r in results if "region" not in r["locations"][0]["physicalLocation"]]
    assert unplaced == []
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    prints = [r["partialFingerprints"][FINGERPRINT] for r in results]
    assert len(set(prints)) == len(prints)  # the n-th of equal findings is told apart by its ":n"


@pytest.mark.parametrize("corpus_log", ["simaticml", "scl"], indirect=True)
def test_every_result_over_the_corpus_is_on_its_own_line(corpus_log: dict[str, Any]) -> None:
    placed = Counter(r["ruleId"] for r in _results(corpus_log)
                     if r.get("properties", {}).get("placement") and r["ruleId"] not in NOT_OWN_LINE)
    assert not placed, placed


def test_a_truncated_export_is_placed_where_the_parser_stopped(tmp_path: Path) -> None:
    export = CORPUS / "simaticml" / "fc" / "fseenig_Denormalisation.xml"
    if not export.is_file():
        pytest.skip(f"the corpus is not at {CORPUS}")
    data = export.read_bytes()
    cut = data[:len(data) // 2]
    (tmp_path / "Cut.xml").write_bytes(cut)
    code, _, _ = _run("plc", "check", str(tmp_path / "Cut.xml"), "--format", "sarif", "--output",
                      str(tmp_path / "out.sarif"))
    assert code == 1
    (result,) = _results(_log(tmp_path / "out.sarif"))
    region = result["locations"][0]["physicalLocation"]["region"]
    # the checker gives the finding the line the XML parser stopped at (SimaticMLError.line): its own line, so the
    # SARIF writer places nothing itself
    assert result["ruleId"] == "INVALID_SIMATICML" and "placement" not in result.get("properties", {})
    assert region["startLine"] == cut.count(b"\n") + 1  # the last line, where the document ends too early


def test_a_finding_without_a_line_goes_on_its_blocks_declaration(tmp_path: Path) -> None:
    from simatic_xml.diagnostics import Diagnostic

    from engineering_api.ci.sarif import to_sarif

    source = tmp_path / "Two.scl"
    source.write_text('FUNCTION "A" : Void\nBEGIN\nEND_FUNCTION\n\nFUNCTION_BLOCK "B"\nBEGIN\nEND_FUNCTION_BLOCK\n')
    log = to_sarif([Diagnostic("whole block", block="B", file=str(source), code="MISSING_TYPE")], [],
                   root=tmp_path, version="0", files=[str(source)])
    (result,) = _results(log)
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}
    assert result["properties"] == {"placement": "block"}


def _check(repo: Path, *extra: str) -> tuple[int, str, str, list[dict[str, Any]]]:
    code, out, err = _run("scl", "check", "src", *extra, "--format", "sarif", "--output", "now.sarif")
    _, text, _ = _run("scl", "check", "src", *extra)
    return code, text, err, _results(_log(repo / "now.sarif"))


def test_a_moved_finding_keeps_its_fingerprint_and_only_a_new_one_fails_the_baseline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "FC_Tags.scl"
    source.write_text(SOURCE)
    code, _, _ = _run("scl", "check", "src", "--format", "sarif", "--output", "baseline.sarif")
    assert code == 1  # today's finding: #missing is not declared
    (known,) = _results(_log(tmp_path / "baseline.sarif"))
    assert known["locations"][0]["physicalLocation"]["region"]["startLine"] == 7

    # two lines added above: the finding moves to line 9, keeps its fingerprint, and the baseline holds it
    moved = SOURCE.replace("    #x := 1;\n", "    // set x\n    #x := 1;\n    #x := 2;\n")
    source.write_text(moved)
    code, text, err, results = _check(tmp_path, "--baseline", "baseline.sarif")
    (again,) = results
    assert again["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    assert again["partialFingerprints"] == known["partialFingerprints"]
    assert again["baselineState"] == "unchanged"
    assert code == 0 and "error:" not in text and "1 finding(s) known to the baseline" in err

    # a new finding below it: the run fails on that one only
    source.write_text(moved.replace("END_FUNCTION", "    #x := #other;\nEND_FUNCTION"))
    code, text, _, results = _check(tmp_path, "--baseline", "baseline.sarif")
    assert code == 1
    assert [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["baselineState"]) for r in results] \
        == [(9, "unchanged"), (10, "new")]
    assert "FC_Tags.scl:10:" in text and "FC_Tags.scl:9:" not in text

    # without the baseline both fail, as before
    assert _run("scl", "check", "src")[0] == 1


@pytest.mark.parametrize("content, message", [(None, "No such file"), ("{", "not JSON"),
                                              ('{"runs": [{"results": [{"ruleId": "X"}]}]}', "no engineeringApi/v1")])
def test_a_baseline_that_cannot_be_used_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        content: str | None, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FC.scl").write_text(SOURCE)
    if content is not None:
        (tmp_path / "b.sarif").write_text(content)
    code, _, err = _run("scl", "check", "FC.scl", "--baseline", "b.sarif")
    assert code == 2 and message in err, err


BREAKS_SPLITLINES_ONLY = ("\x85", "\u2028", "\u2029", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r")
"""Characters at which ``str.splitlines()`` ends a line and neither the SCL lexer nor lxml's ``sourceline`` does."""


@pytest.mark.parametrize("character", BREAKS_SPLITLINES_ONLY, ids=lambda c: f"U+{ord(c):04X}")
def test_a_finding_below_a_character_only_splitlines_breaks_at_keeps_its_fingerprint(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, character: str) -> None:
    """The fingerprint holds the text of the finding's own line, numbered as the checker numbers lines: a comment
    above holding such a character moved it to a later line's text."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    source = tmp_path / "src" / "FC_Tags.scl"
    prints = []
    for text in (SOURCE, SOURCE.replace("VAR_TEMP\n", f"VAR_TEMP (* a{character}b *)\n")):
        source.write_bytes(text.encode())
        _, _, _, results = _check(tmp_path)
        found = [r for r in results if "missing" in r["message"]["text"]]
        assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in found] == [7], results
        prints.append(found[0]["partialFingerprints"])
    assert prints[0] == prints[1]


@pytest.mark.parametrize("character", ("\x85", "\u2028", "\u2029", "\r"), ids=lambda c: f"U+{ord(c):04X}")
def test_a_lines_text_in_an_export_is_the_line_lxml_names(tmp_path: Path, character: str) -> None:
    """Characters XML 1.0 allows (``\\v``, ``\\f``, ``\\x1c``-``\\x1e`` it does not) in a comment of an export."""
    from lxml import etree

    from engineering_api.ci.placement import line_text
    from simatic_xml.generate import generate_xml

    spec = {"blockType": "FC", "name": "FC_Lines", "language": "SCL", "networks": [{"scl": "RETURN;"}]}
    text = generate_xml(spec, "V19").decode("utf-8")
    head, rest = text.split("\n", 1)
    path = tmp_path / "FC_Lines.xml"
    path.write_bytes(f"{head}\n<!-- a{character}b -->\n{rest}".encode())
    root = etree.parse(str(path)).getroot()
    for element in root.iter("{*}Name", "{*}ProgrammingLanguage"):
        assert element.text and element.text in line_text(str(path), element.sourceline or 0)
