"""A real ``engineering-api serve`` starts over a stale staging folder of any depth and removes it (issue 88).

The start sweeps the file roots for staging folders whose owner is gone; a folder left by a killed run may hold any
tree (a retrieve unpacks what it was sent). Before, removing one deeper than Python's recursion limit raised
``RecursionError`` out of the sweep, and the server did not start.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import httpx

from engineering_api.lib.file_walk import remove_tree
from engineering_api.lib.staging import OWNER_SUFFIX
from tests.deep_trees import DEEP_LEVELS
from tests.realclient.conftest import serve
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from pathlib import Path


def _gone_pid() -> int:
    """The id of a process of this host that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_serve_starts_over_a_deep_stale_staging_folder_and_removes_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    workspace = data_dir / "workspace"
    workspace.mkdir(parents=True)
    name = ".retrieve-" + "f" * 32
    stale, mark = workspace / name, workspace / (name + OWNER_SUFFIX)
    stale.mkdir()
    mark.write_text(json.dumps({"host": socket.gethostname(), "pid": _gone_pid(), "run": "an earlier run"}))
    fd = os.open(stale, os.O_RDONLY | os.O_DIRECTORY)
    for _ in range(DEEP_LEVELS):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    try:
        for served in serve(data_dir):
            assert httpx.get(f"{served.base}/api/health", timeout=HANG_GUARD_S).status_code == 200
            assert not stale.exists() and not mark.exists(), served.output()[-2000:]
            assert "staging folder(s)/temporary file(s) left by an interrupted run" in served.output()
    finally:
        if stale.exists():  # a failed run leaves no tree pytest's own removal cannot take (it recurses per level)
            remove_tree(stale)
