"""A folder under check holds what a pull request can carry (git stores symbolic links): a link to ``/dev/zero``,
a FIFO, a link to a secret outside the folder. Every command that reads a folder, and the language server, reads
only the regular files of the folder (engineering_api.lib.file_walk): it finishes, says what it left out, and
quotes nothing of the file outside.

The commands run as the processes a CI job starts, with an address-space limit: before the walker, a read of
``/dev/zero`` ran until memory ran out and a FIFO blocked for ever; here either fails the test instead of the
machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from engineering_api.lib.file_walk import MAX_FOLDER_DEPTH
from tests.deep_trees import DEEP_LEVELS, deep_chain
from tools.bounds import HANG_GUARD_S
from tools.lsp_client import session

CLI = str(Path(sys.executable).with_name("engineering-api"))
SECRET = "AKIA_SECRET_TOKEN_42"
GOOD = '''FUNCTION "Good" : Int
VERSION : 0.1
BEGIN
  #Good := 1;
END_FUNCTION
'''
UGLY = 'FUNCTION "Good" : Int\nVERSION : 0.1\n   var_temp \n  t:INT ;\n   END_VAR\nBEGIN\n  #Good := 1;\nEND_FUNCTION\n'


def _limited() -> None:
    limit = 2 * 1024 ** 3  # a read of /dev/zero dies here, not in the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def hostile_folder(root: Path, text: str = GOOD) -> tuple[Path, Path]:
    """A repository folder with one good source and three hostile names; (the folder, the secret outside it)."""
    repo = root / "repo"
    blocks = repo / "PLC_1" / "Program blocks"
    blocks.mkdir(parents=True)
    (blocks / "Good.scl").write_text(text, encoding="utf-8")
    secret = root / "outside" / "id_rsa.scl"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET} := ;\n", encoding="utf-8")
    (blocks / "Zero.scl").symlink_to("/dev/zero")
    os.mkfifo(blocks / "Pipe.scl")
    (blocks / "Secret.scl").symlink_to(secret)
    return repo, secret


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *argv], capture_output=True, text=True, timeout=HANG_GUARD_S, preexec_fn=_limited,
                          check=False)


@pytest.mark.parametrize("command", [("scl", "check"), ("plc", "check")])
def test_a_check_reads_only_the_regular_files_of_the_folder(tmp_path: Path, command: tuple[str, ...]) -> None:
    repo, _ = hostile_folder(tmp_path)
    done = _run(*command, str(repo), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["files"] == 1 and report["errors"] == 0, report
    for name, reason in (("Zero.scl", "a device, not a regular file"), ("Pipe.scl", "a FIFO, not a regular file"),
                         ("Secret.scl", "a link to a file outside the folder")):
        assert f"{name}: not read: {reason}" in done.stderr, done.stderr


def test_a_named_device_is_a_usage_error_not_a_read(tmp_path: Path) -> None:
    repo, _ = hostile_folder(tmp_path)
    done = _run("scl", "check", str(repo / "PLC_1" / "Program blocks" / "Zero.scl"))
    assert done.returncode == 2 and "a device, not a regular file" in done.stderr, done.stderr


def test_scl_fmt_formats_the_folder_and_writes_nothing_through_a_link(tmp_path: Path) -> None:
    repo, secret = hostile_folder(tmp_path, UGLY)
    before = secret.read_bytes()
    done = _run("scl", "fmt", str(repo))
    assert done.returncode == 0, done.stderr
    assert "1 file(s) reformatted" in done.stderr, done.stderr
    assert secret.read_bytes() == before and (repo / "PLC_1" / "Program blocks" / "Secret.scl").is_symlink()


def test_the_language_server_serves_a_workspace_with_a_fifo_and_links_out(tmp_path: Path) -> None:
    repo, _ = hostile_folder(tmp_path, GOOD.replace("#Good := 1;", "#Good := #nope;"))
    source = repo / "PLC_1" / "Program blocks" / "Good.scl"

    async def run() -> None:
        async with session(repo) as client:
            found = await asyncio.wait_for(client.open(source), HANG_GUARD_S)
            assert [d.message for d in found] == ['Tag "#nope" not defined.'], found
            assert all(SECRET not in d.message for d in found)

    asyncio.run(run())


@pytest.mark.parametrize(("command", "status"), [
    (("scl", "check"), 0), (("plc", "check"), 0), (("scl", "fmt", "--check"), 0), (("scl", "build", "--out", "OUT"), 0),
    (("simaticml", "check"), 2), (("test", "run"), 2),  # no XML, no test file: a usage error, as in any folder
])
def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked_with_a_note(
        tmp_path: Path, command: tuple[str, ...], status: int) -> None:
    """Before: every walking command ended in a RecursionError traceback (exit 1)."""
    repo, _ = hostile_folder(tmp_path)
    argv = [str(tmp_path / "out") if part == "OUT" else part for part in command]
    with deep_chain(repo, DEEP_LEVELS, ("Deep.scl", GOOD.replace('"Good"', '"Deep"').encode())):
        done = _run(*argv, str(repo))
    assert "Traceback" not in done.stderr and done.returncode == status, (done.returncode, done.stderr[-2000:])
    assert f"not read: a folder nested more than {MAX_FOLDER_DEPTH} levels below the folder walked" in done.stderr
