"""A project's lock ends with the process that held it (issue 88): a real ``engineering-api serve`` killed with
SIGKILL while it holds a project open, and a fresh server on the same data directory opens the project again.

The lock was judged by the process id it names: the dead server's worker, still a zombie while its parent had not
reaped it, answered ``os.kill(pid, 0)`` and the project stayed locked (423 ``PROJECT_LOCKED``); a reused process id
did the same. The lock is now an OS lock (``flock``) the kernel releases when its holder ends.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fakes.project_files import LOCK_NAME
from tests import live_http
from tests.realclient.conftest import serve
from tools.bounds import until

if TYPE_CHECKING:
    from tests.realclient.conftest import Served

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads a process's state in /proc")

served = contextmanager(serve)


def _post(served: Served, path: str, body: dict[str, Any]) -> Any:
    return live_http.post(f"{served.base}{path}", headers={"X-API-Key": served.admin_key}, json=body)


def _state(pid: int) -> str:
    """The process's state letter (``Z``: a zombie), or "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def test_a_server_killed_while_holding_a_project_leaves_no_lock_behind(tmp_path: Path):
    data_dir = tmp_path / "data"
    with served(data_dir) as killed:
        try:
            made = _post(killed, "/api/projects/actions/create-sync", {"name": "Line1"})
            assert made.status_code == 200, made.text
            project = made.json()["data"]["path"]
            holder = int(json.loads((Path(project).parent / LOCK_NAME).read_text())["process"])
            # The worker that holds the project dies; its parent, stopped, cannot reap it: a zombie whose pid
            # answers os.kill(pid, 0), as after a SIGKILL of the whole server until the zombie is reaped.
            os.kill(killed.process.pid, signal.SIGSTOP)
            os.kill(holder, signal.SIGKILL)
            until(lambda: _state(holder) == "Z", "the killed worker to be a zombie")
            with served(data_dir) as restarted:
                opened = _post(restarted, "/api/projects/actions/open-sync", {"path": project})
                assert opened.status_code == 200, opened.text
                assert json.loads((Path(project).parent / LOCK_NAME).read_text())["process"] != holder
        finally:
            os.kill(killed.process.pid, signal.SIGKILL)
