"""The style rules through a repository's settings (``[tool.engineering-api.style]``): one verdict from ``scl
check``, ``plc check``, SARIF and the language server (in process and through a real LSP client); ``// noqa``, the
severity settings and ``--baseline`` apply to them as to any finding; SARIF describes each rule; a bad table is a
usage error naming its key; and with every rule off, the whole corpus's report is byte-identical to the report
without any style setting.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from engineering_api.cli import main
from engineering_api.lsp.project import Project
from engineering_api.rules.compiler.check import source_text
from engineering_api.rules.compiler.style import RULES, StyleSettings
from tests.compiler.mutants_style import (StyleMutant, block_length_mutants, block_prefix_mutants,
                                          member_prefix_mutants, nesting_mutants, unused_mutants)
from tools.lsp_client import session
from tests.lib.shared_corpus import READS_SHARED, SHARED

CORPUS = SHARED / "corpus"
SCL = sorted((CORPUS / "scl").rglob("*.scl")) if CORPUS.is_dir() else []
needs_corpus = READS_SHARED

OFF = "\n".join(f"[style.{rule.setting}]\nenabled = false\n" for rule in RULES)
"""Every style rule's table, each off."""


def settings_toml(settings: StyleSettings) -> str:
    """``settings`` as an ``engineering-api.toml`` writes them."""
    tables = []
    if settings.block_prefixes is not None:
        tables.append(("block-prefix", {k: json.dumps(v) for k, v in settings.block_prefixes.items()}))
    if settings.member_prefixes is not None:
        tables.append(("member-prefix", {k: json.dumps(v) for k, v in settings.member_prefixes.items()}))
    if settings.unused_sections is not None:
        tables.append(("unused-locals", {"sections": json.dumps(sorted(settings.unused_sections))}))
    if settings.max_nesting is not None:
        tables.append(("nesting-depth", {"max": str(settings.max_nesting)}))
    if settings.max_statements is not None:
        tables.append(("block-length", {"max-statements": str(settings.max_statements)}))
    return "".join(f"[style.{name}]\nenabled = true\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
                   for name, values in tables)


def run(argv: list[str]) -> tuple[int, str, str]:
    """``engineering-api <argv>`` in process: its exit code, standard output and standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def repository(tmp_path: Path, settings: str, name: str = "repo") -> Path:
    """A repository folder (``.git`` stops the search for settings there) with ``settings`` as its
    ``engineering-api.toml``."""
    folder = tmp_path / name
    (folder / ".git").mkdir(parents=True)
    (folder / "engineering-api.toml").write_text(settings, encoding="utf-8")
    return folder


def style_json(argv: list[str]) -> set[tuple[str, int]]:
    code, out, _ = run([*argv, "--format", "json"])
    assert code in (0, 1), out
    return {(d["code"], d["line"]) for d in json.loads(out)["diagnostics"] if d["code"].startswith("STYLE_")}


def sarif(argv: list[str]) -> dict[str, Any]:
    code, out, _ = run([*argv, "--format", "sarif"])
    assert code in (0, 1), out
    log: dict[str, Any] = json.loads(out)
    return log


def style_sarif(argv: list[str]) -> set[tuple[str, int]]:
    results = sarif(argv)["runs"][0]["results"]
    return {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
            if r["ruleId"].startswith("STYLE_") and not r.get("suppressions")}


def _sample() -> list[StyleMutant]:
    """Two refused mutants of each family, from different sources."""
    made: list[StyleMutant] = []
    for generator in (nesting_mutants, unused_mutants, member_prefix_mutants, block_prefix_mutants,
                      block_length_mutants):
        family = [m for path in SCL[::7] for m in generator(path, source_text(path.read_bytes())) if m.refused]
        made += family[::max(1, len(family) // 2)][:2]
    return made


@needs_corpus
def test_scl_check_plc_check_sarif_and_the_editor_give_one_verdict(tmp_path: Path) -> None:
    differ = []
    sample = _sample()
    assert len({m.family for m in sample}) == 5 and len(sample) >= 8, [m.family for m in sample]
    for index, mutant in enumerate(sample):
        folder = repository(tmp_path, settings_toml(mutant.settings), f"r{index}")
        target = folder / mutant.path.name
        target.write_text(mutant.text, encoding="utf-8")
        config = ["--config", str(folder / "engineering-api.toml")]
        verdicts = {
            "scl check": style_json(["scl", "check", str(target), *config]),
            "plc check": style_json(["plc", "check", str(folder), "--allow-missing", *config]),
            "sarif": style_sarif(["scl", "check", str(target), *config]),
            "editor": {(d.code, d.line) for d in Project(folder).check(str(target), mutant.text)
                       if d.code.startswith("STYLE_")},
        }
        want = (mutant.code, mutant.line)
        for entry, found in verdicts.items():
            if want not in found or found != verdicts["scl check"]:
                differ.append(f"{mutant.path.name} {mutant.family}: {entry} {sorted(found)[:6]} wanted {want}")
    assert not differ, "\n".join(differ)


@needs_corpus
def test_a_real_lsp_client_gets_the_workspace_settings_findings(tmp_path: Path) -> None:
    mutant = next(m for m in _sample() if m.code == "STYLE_UNUSED_LOCAL")
    folder = repository(tmp_path, settings_toml(mutant.settings))
    target = folder / mutant.path.name
    target.write_text(mutant.text, encoding="utf-8")

    async def opened() -> set[tuple[str, int]]:
        async with session(folder) as client:
            found = await client.open(target, mutant.text)
            return {(str(d.code), d.range.start.line + 1) for d in found if str(d.code).startswith("STYLE_")}

    assert (mutant.code, mutant.line) in asyncio.run(opened())


def _unused_temp_source(tmp_path: Path, settings: str, line_end: str = "") -> tuple[Path, Path]:
    folder = repository(tmp_path, settings)
    target = folder / "Valve.scl"
    target.write_text('FUNCTION_BLOCK "Valve"\nVAR_INPUT\n   open : Bool;\nEND_VAR\nVAR_TEMP\n'
                      f"   spare : Int;{line_end}\n   done : Bool;\nEND_VAR\nBEGIN\n   #done := #open;\n"
                      "END_FUNCTION_BLOCK\n", encoding="utf-8")
    return folder, target


UNUSED_ON = "[style.unused-locals]\nenabled = true\n"


def test_noqa_the_severity_settings_and_the_baseline_apply_to_style_findings(tmp_path: Path) -> None:
    folder, target = _unused_temp_source(tmp_path, UNUSED_ON)
    config = ["--config", str(folder / "engineering-api.toml")]
    assert style_json(["scl", "check", str(target), *config]) == {("STYLE_UNUSED_LOCAL", 6)}
    assert run(["scl", "check", str(target), *config])[0] == 0  # a warning does not fail the run

    silenced, _ = _unused_temp_source(tmp_path / "noqa", UNUSED_ON, "  // noqa: STYLE_UNUSED_LOCAL spare for the PID")
    argv = ["scl", "check", str(silenced / "Valve.scl"), "--config", str(silenced / "engineering-api.toml")]
    assert style_json(argv) == set()
    results = sarif(argv)["runs"][0]["results"]
    assert [(r["ruleId"], r["suppressions"][0]["justification"]) for r in results] == [
        ("STYLE_UNUSED_LOCAL", "spare for the PID")]

    graded, _ = _unused_temp_source(tmp_path / "graded", UNUSED_ON + '[severity]\nSTYLE_UNUSED_LOCAL = "error"\n')
    assert run(["scl", "check", str(graded / "Valve.scl"), "--config", str(graded / "engineering-api.toml")])[0] == 1

    baseline = tmp_path / "baseline.sarif"
    assert run(["scl", "check", str(target), *config, "--format", "sarif", "--output", str(baseline)])[0] == 0
    assert style_json(["scl", "check", str(target), *config, "--baseline", str(baseline)]) == set()
    target.write_text(target.read_text(encoding="utf-8").replace("   done : Bool;", "   done : Bool;\n   more : Int;"),
                      encoding="utf-8")
    assert style_json(["scl", "check", str(target), *config, "--baseline", str(baseline)]) == {
        ("STYLE_UNUSED_LOCAL", 8)}


def test_sarif_describes_each_style_rule(tmp_path: Path) -> None:
    settings = (UNUSED_ON + '[style.block-prefix]\nenabled = true\nFB = "FB_"\n[style.member-prefix]\nenabled = true\n'
                'Temp = "t"\n[style.nesting-depth]\nenabled = true\nmax = 1\n[style.block-length]\nenabled = true\n'
                "max-statements = 1\n")
    folder, target = _unused_temp_source(tmp_path, settings)
    target.write_text(target.read_text(encoding="utf-8").replace(
        "   #done := #open;", "   IF #open THEN\n      IF #done THEN\n         #done := FALSE;\n      END_IF;\n"
        "   END_IF;"), encoding="utf-8")
    docs = "https://example.org/docs/diagnostic-codes.md"
    log = sarif(["scl", "check", str(target), "--config", str(folder / "engineering-api.toml"), "--docs-url", docs])
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert sorted(rules) == sorted(rule.code for rule in RULES)
    for code, rule in rules.items():
        assert rule["name"] == "".join(part.title() for part in code.split("_"))
        assert rule["shortDescription"]["text"].endswith(".")
        assert rule["helpUri"] == f"{docs}#style-opt-in"
        assert rule["defaultConfiguration"] == {"level": "warning"}
        assert rule["properties"]["tags"] == ["Style (opt-in)"]


@pytest.mark.parametrize(("settings", "named"), [
    ("[style.naming]\nenabled = true\n", "unknown rule(s) naming"),
    ("[style.nesting-depth]\nenabled = true\ndepth = 3\n", "unknown key(s) depth"),
    ("[style.nesting-depth]\nenabled = true\nmax = 0\n", "nesting-depth: max must be a whole number"),
    ("[style.block-length]\nenabled = true\nmax-statements = \"9\"\n", "max-statements must be a whole number"),
    ("[style.unused-locals]\nenabled = true\nsections = [\"Constant\"]\n", "sections must be a list of Temp"),
    ("[style.block-prefix]\nenabled = \"yes\"\n", "enabled must be true or false"),
    ("[style.member-prefix]\nenabled = true\nInput = 1\n", "Input must be a string"),
    ("style = 3\n", "style must be a table"),
])
def test_a_bad_style_table_is_a_usage_error_naming_its_key(tmp_path: Path, settings: str, named: str) -> None:
    folder, target = _unused_temp_source(tmp_path, settings)
    code, _, err = run(["scl", "check", str(target), "--config", str(folder / "engineering-api.toml")])
    assert code == 2 and named in err, err


def test_the_editor_shows_a_bad_style_table_and_checks_with_the_defaults(tmp_path: Path) -> None:
    folder, target = _unused_temp_source(tmp_path, "[style.nesting-depth]\nenabled = true\nmax = -1\n")
    project = Project(folder)
    assert any("max must be a whole number" in problem for problem in project.problems)
    assert [d for d in project.check(str(target), target.read_text(encoding="utf-8")) if d.code.startswith("STYLE_")
            ] == []


@needs_corpus
@pytest.mark.parametrize("command", ["scl", "plc"])
def test_with_every_rule_off_the_corpus_report_is_byte_identical(tmp_path: Path, command: str) -> None:
    """The same folder's settings without a style table, then with every rule's table present but off: the same
    bytes (SARIF: every finding, its rule and its fingerprint)."""
    folder = repository(tmp_path, 'docs-url = "https://example.org/codes.md"\n')
    corpus = str(CORPUS / ("scl" if command == "scl" else "simaticml"))
    argv = [command, "check", corpus, "--allow-missing", "--config", str(folder / "engineering-api.toml"),
            "--format", "sarif"]
    without = run(argv)
    (folder / "engineering-api.toml").write_text('docs-url = "https://example.org/codes.md"\n' + OFF, encoding="utf-8")
    off = run(argv)
    assert without[0] in (0, 1) and len(json.loads(without[1])["runs"][0]["results"]) > 100
    assert off == without


@needs_corpus
def test_a_simaticml_exports_style_findings_are_on_the_lines_of_what_they_name(tmp_path: Path) -> None:
    export = CORPUS / "simaticml" / "fb" / "Fwaldt_FB_AnalogInput.xml"
    folder = repository(tmp_path, '[style.member-prefix]\nenabled = true\nInput = "zz"\nStatic = "zz"\n'
                                  '[style.block-prefix]\nenabled = true\nFB = "zz"\n')
    code, out, _ = run(["plc", "check", str(export), "--allow-missing", "--format", "json", "--config",
                        str(folder / "engineering-api.toml")])
    found = [d for d in json.loads(out)["diagnostics"] if d["code"].startswith("STYLE_")]
    lines = export.read_text(encoding="utf-8-sig").split("\n")
    assert code in (0, 1) and len(found) >= 3
    for d in found:
        name = d["message"].split('"')[1]
        want = f'<Member Name="{name}"' if d["code"] == "STYLE_MEMBER_PREFIX" else f"<Name>{name}</Name>"
        assert want in lines[d["line"] - 1], d
