"""The repository's settings (``[tool.engineering-api]`` or ``engineering-api.toml``) and inline ``// noqa`` in SCL."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from engineering_api.ci import commands
from engineering_api.ci.config import UNSILENCEABLE, ConfigError, load_config
from engineering_api.cli import main

BROKEN_TAG = """FUNCTION "FC_Tags" : Void
VAR_TEMP
    x : Int;
END_VAR
BEGIN
    #x := 1;
    #nope := 2;{noqa}
    #x := 3;
END_FUNCTION
"""
SYNTAX = 'FUNCTION "FC_Syntax" : Void\nBEGIN\n    #x := ;{noqa}\nEND_FUNCTION\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: the settings are looked for up to here
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _json(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = _run(*argv, "--format", "json")
    return code, json.loads(out)


def test_no_settings_change_nothing(repo: Path) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    code, report = _json("scl", "check", ".")
    assert code == 1
    assert [(d["line"], d["code"], d["severity"]) for d in report["diagnostics"]] == [(7, "UNDECLARED", "Error")]


def test_pyproject_severity_and_exclude(repo: Path) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    (repo / "vendor").mkdir()
    (repo / "vendor" / "FC_Syntax.scl").write_text(SYNTAX.format(noqa=""))
    code, report = _json("scl", "check", ".")
    assert code == 1 and {d["code"] for d in report["diagnostics"]} == {"UNDECLARED", "SYNTAX_ERROR"}
    (repo / "pyproject.toml").write_text('[project]\nname = "plc"\n\n[tool.engineering-api]\nexclude = ["vendor"]\n'
                                         '[tool.engineering-api.severity]\nUNDECLARED = "warning"\n')
    code, report = _json("scl", "check", ".")
    assert code == 0 and report["files"] == 1
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [("UNDECLARED", "Warning")]


def test_a_changed_settings_file_is_read_again_in_the_same_process(repo: Path) -> None:
    """The parsed TOML is kept per text (engineering_api/ci/config.py): a changed file is a new text."""
    (repo / "pyproject.toml").write_text('[tool.engineering-api.severity]\nUNDECLARED = "warning"\n')
    assert load_config().severity == {"UNDECLARED": "Warning"}
    (repo / "pyproject.toml").write_text('[tool.engineering-api.severity]\nUNDECLARED = "info"\n')
    assert load_config().severity == {"UNDECLARED": "Info"}


def test_settings_are_found_from_a_subfolder_and_its_own_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "engineering-api.toml").write_text('[severity]\nUNDECLARED = "info"\n')
    (repo / "src").mkdir()
    (repo / "src" / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    monkeypatch.chdir(repo / "src")
    code, out, _ = _run("scl", "check", ".")
    assert code == 0 and out.splitlines() == ["1 file(s) checked: 0 error(s), 0 warning(s)"]
    assert load_config().root == repo.resolve()


@pytest.mark.parametrize("table, message", [
    ('[tool.engineering-api]\nseverty = {}\n', "unknown setting(s) severty"),
    ('[tool.engineering-api.severity]\nNOT_A_CODE = "error"\n', "unknown diagnostic code 'NOT_A_CODE'"),
    ('[tool.engineering-api.severity]\nUNDECLARED = "fatal"\n', "use \"error\", \"warning\" or \"info\""),
    ('[tool.engineering-api.severity]\nSYNTAX_ERROR = "warning"\n', "SYNTAX_ERROR cannot be changed"),
    ('[tool.engineering-api]\nexclude = "vendor"\n', "exclude must be a list of strings"),
    ('[tool.engineering-api\n', "pyproject.toml"),
])
def test_a_bad_setting_is_a_usage_error_naming_it(repo: Path, table: str, message: str) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    (repo / "pyproject.toml").write_text(table)
    code, out, err = _run("scl", "check", ".")
    assert code == 2 and out == "" and message in err


def test_noqa_with_a_reason_suppresses_and_sarif_keeps_it_as_suppressed(repo: Path) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa="  // noqa: UNDECLARED legacy tag, removed in PR 12"))
    code, report = _json("scl", "check", ".")
    assert code == 0 and report["diagnostics"] == []
    code, out, _ = _run("scl", "check", ".", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    assert code == 0 and len(results) == 1
    assert results[0]["suppressions"] == [{"kind": "inSource", "justification": "legacy tag, removed in PR 12"}]


def test_noqa_of_another_code_or_without_reason_does_not_suppress(repo: Path) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=" // noqa: TYPE_MISMATCH not this one"))
    code, report = _json("scl", "check", ".")
    assert code == 1 and [d["code"] for d in report["diagnostics"]] == ["UNDECLARED"]
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=" // noqa: UNDECLARED"))
    code, report = _json("scl", "check", ".")
    assert code == 1
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("UNDECLARED", 7), ("SUPPRESSION_INVALID", 7)]
    assert "needs a reason" in report["diagnostics"][1]["message"]


def test_noqa_never_silences_a_syntax_error(repo: Path) -> None:
    (repo / "FC_Syntax.scl").write_text(SYNTAX.format(noqa=" // noqa: SYNTAX_ERROR it is fine, trust me"))
    code, report = _json("scl", "check", ".")
    assert code == 1
    codes = [(d["code"], d["severity"], d["line"]) for d in report["diagnostics"]]
    assert ("SYNTAX_ERROR", "Error", 3) in codes and ("SUPPRESSION_INVALID", "Warning", 3) in codes
    assert {"SYNTAX_ERROR", "CLASSIC_SCL", "NETWORK_SYNTAX"} <= UNSILENCEABLE


def test_plc_check_takes_tia_version_and_cpu_from_the_settings(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Plumbing: the settings fill --tia-version and --cpu (the command line wins), checked as those options are."""
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    (repo / "pyproject.toml").write_text('[tool.engineering-api]\ntia-version = "V19"\ncpu = "6ES7 516-3AN02-0AB0"\n')
    seen: dict[str, Any] = {}
    real = commands.finish

    def spy(args: Any, *rest: Any, **kwargs: Any) -> int:
        seen.update(tia_version=args.tia_version, cpu=args.cpu)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(commands, "finish", spy)
    assert _run("plc", "check", ".")[0] == 1
    assert seen == {"tia_version": "V19", "cpu": "6ES7 516-3AN02-0AB0"}
    assert _run("plc", "check", ".", "--tia-version", "V18")[0] == 1
    assert seen["tia_version"] == "V18"
    (repo / "pyproject.toml").write_text('[tool.engineering-api]\ncpu = "6ES7 999-9ZZ99-0AB0"\n')
    code, _, err = _run("plc", "check", ".")
    assert code == 2 and "6ES7 999-9ZZ99-0AB0" in err


def test_config_option_names_the_file(repo: Path) -> None:
    (repo / "FC_Tags.scl").write_text(BROKEN_TAG.format(noqa=""))
    (repo / "lenient.toml").write_text('[tool.engineering-api.severity]\nUNDECLARED = "warning"\n')
    assert _run("scl", "check", ".", "--config", "lenient.toml")[0] == 0
    with pytest.raises(ConfigError):
        load_config(repo / "missing.toml")


@pytest.mark.parametrize("character", ("\r", "\x85", "\u2028", "\f"), ids=lambda c: f"U+{ord(c):04X}")
def test_noqa_is_read_on_the_findings_own_line_below_a_character_no_line_ends_at(repo: Path, character: str) -> None:
    """The checker ends SCL lines at ``\\n`` only; the ``// noqa`` lookup read the file as text, whose universal
    newlines end a line at a lone ``\\r`` too, and found the comment on the line above the finding."""
    text = BROKEN_TAG.format(noqa="  // noqa: UNDECLARED legacy tag")
    text = text.replace("VAR_TEMP\n", f"VAR_TEMP (* a{character}b *)\n")
    (repo / "FC_Tags.scl").write_bytes(text.encode())
    code, report = _json("scl", "check", ".")
    assert code == 0 and report["diagnostics"] == []
