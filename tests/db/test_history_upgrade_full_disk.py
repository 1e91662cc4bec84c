"""Revision 0004 on a disk that fills while it copies the history file, through the real processes: ``engineering-api
db upgrade`` and ``serve`` on a data dir on a small tmpfs (mounted in a user and mount namespace of their own, so no
privilege is needed and nothing outside the test sees it).

Before: ``db upgrade`` ended in a traceback and ``serve`` in "cannot rollback - no transaction is active" (SQLite
had rolled the transaction back itself, and the ROLLBACK that followed failed, hiding the full disk; a commit that
met the full disk escaped untold). Now both are one line naming the database and the free space the upgrade needs,
exit 2, and the database and the history file are as they were.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engineering_api.lib.db import Database
from engineering_api.lib.migrate import state, upgrade_to
from tests.db.history_file import START_MS, write_history_file
from tools.bounds import HANG_GUARD_S

CLI = str(Path(sys.executable).with_name("engineering-api"))
VALUES = 50_000
"""Enough logged values that their copy needs megabytes more than the tmpfs has free."""
ROOM_BYTES = 1024 * 1024
"""Free space on the tmpfs once the data dir is on it: far less than the copy needs."""


def _namespaces_work() -> str | None:
    """Why a tmpfs cannot be mounted in a namespace of our own here (None: it can)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "sh", "-c",
                            "mount -t tmpfs -o size=64k tmpfs /tmp"], capture_output=True, text=True,
                           timeout=HANG_GUARD_S, check=False)
    return None if probe.returncode == 0 else f"no user and mount namespace here: {probe.stderr.strip()}"


@pytest.fixture(scope="module")
def namespaces() -> None:
    reason = _namespaces_work()
    if reason is not None:
        pytest.skip(reason)


def _data_dir_at_0003(data_dir: Path) -> int:
    """A data dir at revision 0003 with a history file of :data:`VALUES` values; its size in bytes."""
    data_dir.mkdir()
    db = Database(data_dir / "engineering-api.sqlite3", migrate=False)
    upgrade_to(db, "0003")
    db.close()
    write_history_file(data_dir, [(f'"line_db".level{i % 50}', START_MS + i, float(i)) for i in range(VALUES)])
    return sum(f.stat().st_size for f in data_dir.iterdir())


@pytest.mark.parametrize("command", [("db", "upgrade"), ("serve", "--backend", "fake", "--port", "0")])
def test_a_disk_full_during_the_history_copy_is_one_line_and_changes_nothing(
        namespaces: None, tmp_path: Path, command: tuple[str, ...]) -> None:
    source, mounted, after = tmp_path / "node", tmp_path / "mnt", tmp_path / "after"
    used = _data_dir_at_0003(source)
    history_before = (source / "runtime-history.sqlite").read_bytes()
    mounted.mkdir()
    after.mkdir()
    # the data dir copied onto a tmpfs with little room, the command run there, the data dir copied back to look at
    script = ('mount -t tmpfs -o size="$1" tmpfs "$2" && cp -a "$3"/. "$2"/ && shift 4 && "$@" --data-dir "$M"; '
              'rc=$?; cp -a "$M"/. "$A"/; exit $rc')
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGINEERING_API_")} | {
        "M": str(mounted), "A": str(after), "APPDATA": str(tmp_path / "appdata")}
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh",
         f"{(used + ROOM_BYTES) // 1024}k", str(mounted), str(source), "-", CLI, *command],
        capture_output=True, text=True, timeout=HANG_GUARD_S, env=env, check=False)
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "Traceback" not in done.stderr and "rollback" not in done.stderr, done.stderr
    assert errors[0].startswith(f"error: No space left on the device at {mounted / 'engineering-api.sqlite3'}: "
                                "the schema upgrade from 0003 to "), errors
    assert "MB free are needed there) and retry." in errors[0], errors
    db = Database(after / "engineering-api.sqlite3", migrate=False)
    try:
        assert state(db).current == "0003" and not db.has_table("runtime_history")
    finally:
        db.close()
    assert (after / "runtime-history.sqlite").read_bytes() == history_before, "the file is there, to copy later"
