"""``serve`` on a data directory it cannot write says so in one line naming the path, without a traceback
(issue 48 item 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.ports import free_port

NOBODY = 65534


def _as_a_user_who_cannot_write(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    """A folder the serve process cannot write: root ignores modes, so as root the process runs as nobody."""
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() != 0:
        locked.chmod(0o500)
        return locked, {}
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: no way to lose write access")
    tmp_path.chmod(0o755)
    return locked, {"prefix": ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]}


@pytest.mark.parametrize("below", [True, False])
def test_a_read_only_data_dir_is_one_line_naming_the_path(tmp_path: Path, below: bool) -> None:
    locked, how = _as_a_user_who_cannot_write(tmp_path)
    data_dir = locked / "var" if below else locked
    prefix = how.get("prefix", [])
    assert isinstance(prefix, list)
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "engineering_api.cli", "serve", "--data-dir", str(data_dir), "--port",
         str(free_port())],
        capture_output=True, text=True, timeout=120, check=False, cwd=Path(__file__).parents[2],
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("error: cannot write the data directory") and str(locked) in lines[0]
