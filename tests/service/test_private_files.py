"""The data directory and the database are created for the server's user alone (0700, 0600), and ``doctor`` warns
about looser ones, which would let any local user read the audit and job inputs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from tests.conftest import data
from tests.service.conftest import make_client

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_and_database_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "var"
    old = os.umask(0o022)  # the usual umask, which made them 0755 and 0644
    try:
        with make_client(data_dir) as client:
            assert data(client.get("/api/health"))
            key = (data_dir / "api.secret").read_text().strip()
            data(client.post("/api/projects/actions/create-sync", json={"name": "P"}, headers={"X-API-Key": key}))
    finally:
        os.umask(old)
    assert _mode(data_dir) == 0o700
    database = data_dir / "engineering-api.sqlite3"
    for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        if path.exists():
            assert _mode(path) == 0o600, path


def _doctor(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engineering_api.cli", "doctor", "--data-dir", str(data_dir),
                           "--port", "1"], capture_output=True, text=True, timeout=120)


def test_doctor_warns_about_a_readable_data_directory_or_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with make_client(data_dir) as client:
        assert data(client.get("/api/health"))
    assert "[warn]" not in _doctor(data_dir).stdout
    database = data_dir / "engineering-api.sqlite3"
    data_dir.chmod(0o755)
    database.chmod(0o644)
    report = _doctor(data_dir).stdout
    warnings = [line for line in report.splitlines() if line.startswith("[warn] permissions")]
    assert len(warnings) == 2, report
    assert f"chmod 700 {data_dir}" in warnings[0] and f"chmod 600 {database}" in warnings[1]
