"""What the source-control tests share: git at hand, the routes, committing and putting a block."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from engineering_api.services import Services
from tests.conftest import Headers, data, run_job

__all__ = ("FB_PATH", "SC", "commit", "git", "needs_git", "put_block", "repo_of")

SC = "/api/source-control"

needs_git = pytest.mark.skipif(
    shutil.which("git") is None and os.environ.get("CI", "").lower() != "true",
    reason="the git CLI is not installed (make test installs it; with CI=true these tests fail instead)",
)

FB_PATH = "PLC_1/Program blocks/FB_Motor.xml"


def put_block(client: TestClient[Any], h: Headers, name: str, statement: str, *, block_type: str = "FB",
              number: int = 1, members: list[dict[str, Any]] | None = None, folder: str = "") -> None:
    spec = {"blockType": block_type, "name": name, "number": number, "language": "SCL",
            "interface": {"Input": members or [{"name": "Speed", "dataType": "Int"}]}, "networks": [{"scl": statement}]}
    data(client.post("/api/devices/PLC_1/blocks", json={"spec": spec, "folder": folder, "overwrite": True}, headers=h))


def commit(client: TestClient[Any], h: Headers, message: str) -> dict[str, Any]:
    record = run_job(client, "POST", f"{SC}/commit", h, json={"Message": message})
    assert record["status"] == "Completed", record
    return record["result"]


def repo_of(services: Services) -> Path:
    found = list((services.settings.data_dir / "source-control").glob("Line1-*"))
    assert len(found) == 1, found
    return found[0]


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout
