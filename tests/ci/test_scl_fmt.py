"""``engineering-api scl fmt``: rewrites sources in place, ``--check`` and ``--diff`` write nothing, a file the
formatter leaves alone or cannot read is named and never crashes the run; exit 0, 1 or 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engineering_api.cli import main
from simatic_xml.scl_format import format_source
from tests.scl_format.corpus import CORPUS

BAD_LAYOUT = ('\ufeffFUNCTION_BLOCK "Motor"\r\n{ S7_Optimized_Access := \'TRUE\' }\r\nVERSION : 0.1\r\n'
              "   var_input \r\n  start:BOOL ;// go\r\n   END_VAR\r\n   VAR \r\n speed  :  INT := 5;\r\n   END_VAR\r\n"
              "BEGIN\r\n\tif #start then\r\n\t    #speed := 1;\r\n\tend_if;\r\nEND_FUNCTION_BLOCK\r\n")
TIA_LAYOUT = ('\ufeffFUNCTION_BLOCK "Motor"\r\n{ S7_Optimized_Access := \'TRUE\' }\r\nVERSION : 0.1\r\n'
              "   VAR_INPUT \r\n      start : Bool;   // go\r\n   END_VAR\r\n\r\n   VAR \r\n"
              "      speed : Int := 5;\r\n   END_VAR\r\n\r\n\r\n"
              "BEGIN\r\n\tIF #start THEN\r\n\t    #speed := 1;\r\n\tEND_IF;\r\nEND_FUNCTION_BLOCK\r\n")
CLASSIC = "FUNCTION_BLOCK FB10\nVAR_INPUT\n  x : INT;\nEND_VAR\nBEGIN\n  x := 1;\nEND_FUNCTION_BLOCK\n"


def _source(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_the_layout_is_tias_with_the_files_bom_and_line_endings() -> None:
    result = format_source(BAD_LAYOUT)
    assert (result.text, result.changed, result.refused) == (TIA_LAYOUT, True, None)


def test_fmt_rewrites_in_place_and_a_second_run_changes_nothing(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = _source(tmp_path, "Motor.scl", BAD_LAYOUT)
    path.chmod(0o640)
    assert main(["scl", "fmt", str(path)]) == 0
    assert path.read_bytes() == TIA_LAYOUT.encode("utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    assert f"reformatted {path}" in capsys.readouterr().out
    assert main(["scl", "fmt", str(path)]) == 0
    assert "0 file(s) reformatted, 1 unchanged" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["Motor.scl"]  # no temporary file left


def test_a_symbolic_link_is_never_written_through(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A link (named, or met in a folder: git stores links, so a pull request can carry one to any file) is left
    alone: formatting writes only the files the command was pointed at, never where a link leads."""
    outside = _source(tmp_path, "outside/Motor.scl", BAD_LAYOUT)
    inside = _source(tmp_path, "repo/Real.scl", BAD_LAYOUT)
    for name, target in (("Motor.scl", outside), ("Same.scl", inside)):
        (tmp_path / "repo" / name).symlink_to(target)
    assert main(["scl", "fmt", str(tmp_path / "repo" / "Motor.scl")]) == 0
    assert "left alone: a symbolic link" in capsys.readouterr().err
    assert main(["scl", "fmt", str(tmp_path / "repo")]) == 0
    err = capsys.readouterr().err
    assert "Motor.scl: not read: a link to a file outside the folder" in err and "1 file(s) reformatted" in err
    assert outside.read_bytes() == BAD_LAYOUT.encode("utf-8")
    assert (tmp_path / "repo" / "Motor.scl").is_symlink() and (tmp_path / "repo" / "Same.scl").is_symlink()
    assert inside.read_bytes() == TIA_LAYOUT.encode("utf-8")  # the file itself, met in the walk


def test_check_names_what_would_change_and_writes_nothing(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = _source(tmp_path, "a/Motor.scl", BAD_LAYOUT)
    good = _source(tmp_path, "b/Motor.scl", TIA_LAYOUT)
    assert main(["scl", "fmt", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out == f"would reformat {bad}\n"
    assert bad.read_bytes() == BAD_LAYOUT.encode("utf-8")
    assert main(["scl", "fmt", "--check", str(good)]) == 0


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _source(tmp_path, "Motor.scl", BAD_LAYOUT)
    assert main(["scl", "fmt", "--diff", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "\n-  start:BOOL ;// go\r\n" in out
    assert "\n+      start : Bool;   // go\r\n" in out
    assert path.read_bytes() == BAD_LAYOUT.encode("utf-8")
    assert main(["scl", "fmt", "--diff", "--check", str(path)]) == 1


def test_a_classic_source_is_left_alone_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _source(tmp_path, "FB10.scl", CLASSIC)
    assert main(["scl", "fmt", "--check", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"{path}: left alone: classic STEP 7 SCL" in err
    assert "FB10 is an absolute number" in err
    assert path.read_text(encoding="utf-8") == CLASSIC


def test_binary_and_undecodable_files_are_reported_and_the_rest_is_formatted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "XRef.db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)))
    latin = tmp_path / "Latin.scl"
    latin.write_bytes(BAD_LAYOUT.lstrip("\ufeff").replace("go", "gr\u00fc\u00df").encode("cp1252"))  # Windows-1252
    path = _source(tmp_path, "Motor.scl", BAD_LAYOUT)
    assert main(["scl", "fmt", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'XRef.db'}: Not an SCL source: an SQLite database" in err
    assert f"error: {latin}: not UTF-8" in err
    assert "1 file(s) reformatted, 0 unchanged, 1 left alone, 1 failed" in err
    assert path.read_bytes() == TIA_LAYOUT.encode("utf-8")
    assert b"gr\xfc\xdf" in latin.read_bytes()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scl", "fmt", str(tmp_path / "missing.scl")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["scl", "fmt", str(tmp_path)]) == 2  # a folder without a source
    assert main(["scl", "fmt"]) == 2
    assert main(["scl", "fmt", "--write", str(tmp_path)]) == 2


@pytest.mark.skipif(not (CORPUS / "SOURCES.tsv").is_file(), reason=f"SCL corpus not found at {CORPUS}")
def test_check_passes_on_a_repository_of_tia_exports(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "d-ani__SCL-UnitTesting", tmp_path / "repo")
    assert main(["scl", "fmt", "--check", str(tmp_path / "repo")]) == 0


COLUMN_0 = 'FUNCTION_BLOCK "F"\nVAR_INPUT\na : Int;\nEND_VAR\nBEGIN\n#a := 1;\nEND_FUNCTION_BLOCK\n'


@pytest.mark.parametrize("setting, option, section", [
    ("V19", [], "   VAR_INPUT\n      a : Int;\n   END_VAR"),  # the settings' version: TIA V14+'s layout
    ("V19", ["--tia-version", "V13"], "VAR_INPUT\n  a : Int;\nEND_VAR"),  # the command line wins
    (None, [], "VAR_INPUT\n  a : Int;\nEND_VAR"),  # no version known: the block's own look (column 0: V13)
])
def test_the_projects_tia_version_chooses_the_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      setting: str | None, option: list[str], section: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    if setting:
        (tmp_path / "pyproject.toml").write_text(f'[tool.engineering-api]\ntia-version = "{setting}"\n')
    (tmp_path / "F.scl").write_text(COLUMN_0)
    assert main(["scl", "fmt", *option, "F.scl"]) == 0
    assert section in (tmp_path / "F.scl").read_text()


@pytest.mark.parametrize("mode", [(), ("--check",), ("--diff",)])
def test_a_file_name_writes_no_workflow_command_into_the_ci_log(tmp_path: Path, mode: tuple[str, ...]) -> None:
    """Before: the name was printed raw, so a line feed in it started a line GitHub Actions runs as a command."""
    import subprocess
    import sys

    from tools.bounds import HANG_GUARD_S

    names = ["x\n::error::pwned.scl", "y%0A::warning::pwned.scl", "z\r::add-mask::pwned.scl"]
    for name in names:
        _source(tmp_path, name, BAD_LAYOUT)
    done = subprocess.run([str(Path(sys.executable).with_name("engineering-api")), "scl", "fmt", *mode,
                           str(tmp_path)], capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert done.returncode == (1 if mode == ("--check",) else 0), done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::")], lines
    shown = done.stdout + done.stderr
    assert "x\\x0a::error::pwned.scl" in shown and "z\\x0d::add-mask::pwned.scl" in shown, shown
    assert "y%0A::warning::pwned.scl" in shown  # a percent sign is no control: only `--format github` encodes it
