"""What a shell user expects of the command line: ``--version``, a quiet end on a closed pipe, completion scripts
that bash, zsh and fish themselves read, and progress on standard error only when it is a terminal."""

from __future__ import annotations

import argparse
import io
import os
import pty
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from engineering_api.ci import FORMATS
from engineering_api.ci.progress import LONG_RUN, progress
from engineering_api.cli import EXIT_BROKEN_PIPE, build_parser, main
from engineering_api.lib.completion import completion_script
from engineering_api.lib.version import api_version
from tests.conftest import skip_or_fail

GOOD_SCL = ('FUNCTION "FC_Add" : Int\nVAR_INPUT\n    a : Int;\n    b : Int;\nEND_VAR\nBEGIN\n    #FC_Add := #a + '
            '#b;\nEND_FUNCTION\n')


def test_the_parser_main_reuses_carries_nothing_from_one_call_to_the_next() -> None:
    """``main`` parses with one parser per process (engineering_api/cli.py): a list option one call gave is not
    in the next call's arguments (argparse extends a copy of the default list)."""
    from engineering_api.cli import _parser

    assert _parser() is _parser()
    given = _parser().parse_args(["scl", "build", "FC.scl", "--out", "out", "--context", "Ctx.xml"])
    assert given.context == ["Ctx.xml"]
    assert _parser().parse_args(["scl", "build", "FC.scl", "--out", "out"]).context == []


def test_version_prints_the_installed_version() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--version"]) == 0
    assert out.getvalue().strip() == f"engineering-api {api_version()}"
    assert api_version() != "0+unknown"  # the test environment installs the package (make .venv/.installed)


def test_the_top_level_help_names_every_command() -> None:
    """``engineering-api --help`` opens with the commands in one line (issue 92: it omitted ``lsp``, written by hand
    beside the parser): the console script's own output names each subcommand the parser has, in its order."""
    script = Path(sys.executable).with_name("engineering-api")
    shown = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True, timeout=60).stdout
    commands = [name for action in build_parser()._actions  # argparse has no public walk over its arguments
                if isinstance(action, argparse._SubParsersAction) for name in action.choices]
    assert "lsp" in commands
    described = " ".join(shown.split("Command line:", 1)[1].split("\n\n", 1)[0].split())
    assert described.replace("`", "") == f"engineering-api {' | '.join(commands)}."


def test_a_closed_pipe_ends_quietly_as_unix_tools_do(tmp_path: Path) -> None:
    """``engineering-api scl check … | head -1`` once said ``error: None: Broken pipe`` and exited 2 (a usage error).

    The reading end is closed before the program starts, so its first write meets EPIPE however fast it runs.
    """
    source = tmp_path / "FC_Add.scl"
    source.write_text(GOOD_SCL)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "engineering_api.cli", "scl", "check", str(source)],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_BROKEN_PIPE == 141


def _script(tmp_path: Path, shell: str) -> Path:
    path = tmp_path / f"engineering-api.{shell}"
    path.write_text(completion_script(build_parser(), shell))
    return path


def _shell(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        skip_or_fail(f"{name} is not installed (Debian package {name})", "the shell completion tests")
    return found


def test_bash_completes_commands_and_options(tmp_path: Path) -> None:
    script = _script(tmp_path, "bash")

    def complete(*words: str) -> list[str]:
        line = " ".join(f'"{w}"' for w in words)
        probe = (f'source "{script}"; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; '
                 f'COMP_LINE="{" ".join(words)}"; COMP_POINT=${{#COMP_LINE}}; _shtab_engineering_api; '
                 'printf "%s\\n" "${COMPREPLY[@]}"')
        done = subprocess.run([_shell("bash"), "--norc", "-c", probe], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("engineering-api", "sc") == ["scl"]
    assert "--format" in complete("engineering-api", "scl", "check", "--fo")
    assert set(complete("engineering-api", "completion", "")) == {"bash", "zsh", "fish"}


def test_zsh_loads_its_completion_function(tmp_path: Path) -> None:
    script = _script(tmp_path, "zsh")
    probe = f'autoload -U compinit && compinit -u -D; source "{script}"; whence -w _shtab_engineering_api'
    done = subprocess.run([_shell("zsh"), "-f", "-c", probe], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert "_shtab_engineering_api: function" in done.stdout


def test_fish_completes_commands_and_option_choices(tmp_path: Path) -> None:
    script = _script(tmp_path, "fish")

    def complete(line: str) -> list[str]:
        done = subprocess.run([_shell("fish"), "--no-config", "-c", f'source "{script}"; complete -C "{line}"'],
                              capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(tmp_path)})
        assert done.returncode == 0, done.stderr
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert "scl" in complete("engineering-api sc")
    assert set(complete("engineering-api scl ")) == {"check", "build", "fmt"}
    assert set(complete("engineering-api scl check --format ")) == set(FORMATS)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_only_for_long_runs() -> None:
    items = list(range(LONG_RUN))
    terminal, log = _Terminal(), io.StringIO()
    assert list(progress(items, len(items), "scl check: files", stream=terminal)) == items
    assert list(progress(items, len(items), "scl check: files", stream=log)) == items
    assert f"\rscl check: files: 3/{LONG_RUN}" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")  # the line is erased before the report
    assert log.getvalue() == ""
    short = _Terminal()
    assert list(progress(items[:2], 2, "scl check: files", stream=short)) == items[:2]
    assert short.getvalue() == ""


@pytest.mark.parametrize("tty", [True, False])
def test_scl_check_draws_progress_on_a_terminal_stderr_only(tmp_path: Path, tty: bool) -> None:
    """The installed program with standard error on a pseudo-terminal, then on a pipe; the report is the same."""
    for index in range(LONG_RUN):
        (tmp_path / f"FC_{index}.scl").write_text(GOOD_SCL.replace("FC_Add", f"FC_{index}"))
    command = [sys.executable, "-m", "engineering_api.cli", "scl", "check", str(tmp_path)]
    if tty:
        leader, follower = pty.openpty()
        try:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, text=True, timeout=300)
            os.close(follower)
            seen = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the terminal's last writer has gone
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            os.close(leader)
        assert f"scl check: files: 0/{LONG_RUN}".encode() in seen
    else:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert done.stderr == ""
    assert done.returncode == 0
    assert done.stdout.strip().endswith(f"{LONG_RUN} file(s) checked: 0 error(s), 0 warning(s)")


SERVER_PACKAGES = ("sqlalchemy", "httpx", "litestar", "granian", "celery", "mcp", "lsprotocol", "pygls")
"""What the offline checks never need: a pre-commit hook runs them on every commit, so the command's start is
counted here by what it imports, not timed (the server's database and web stack cost more than a check of a file)."""


@pytest.mark.parametrize("command", [["scl", "check"], ["scl", "fmt", "--check"], ["plc", "check"],
                                     ["simaticml", "check"]])
def test_an_offline_check_imports_none_of_the_server(tmp_path: Path, command: list[str]) -> None:
    source = tmp_path / "FC_Add.scl"
    source.write_text(GOOD_SCL, encoding="utf-8")
    probe = ("import sys\nfrom engineering_api.cli import main\nmain(sys.argv[1:])\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(SERVER_PACKAGES)!r}), file=sys.stderr)")
    ran = subprocess.run([sys.executable, "-c", probe, *command, str(source)], capture_output=True, text=True,
                         check=False, timeout=300)
    assert ran.stderr.strip().splitlines()[-1] == "[]", ran.stderr
