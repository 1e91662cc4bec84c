"""Committing a durable pull and its data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from tests.api.source_control_support import FB_PATH, SC, git, put_block
from tests.conftest import CPU, wait_job

__all__ = ("commit_via_api", "project_with_one_commit", "push_to_new_remote", "push_speed_7_elsewhere",
           "response_data")


def response_data(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()["data"]


def commit_via_api(client: TestClient, admin: dict[str, str], message: str) -> None:
    job = response_data(client.post(f"{SC}/commit", json={"Message": message}, headers=admin))["jobId"]
    assert wait_job(client, job, admin, timeout=60)["status"] == "Completed"


def project_with_one_commit(client: TestClient, data_dir: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """A project ``Line1`` with a PLC_1 whose FB_Motor is committed once (message ``one``) in a new repository:
    the project and the admin's headers."""
    admin = {"X-API-Key": (data_dir / "api.secret").read_text().strip()}
    project = response_data(client.post("/api/projects/actions/create-sync", json={"name": "Line1"}, headers=admin))
    response_data(client.post("/api/projects/devices/actions/add-sync", json={"orderNumber": CPU, "name": "PLC_1"},
                              headers=admin))
    response_data(client.post(f"{SC}/init", headers=admin))
    put_block(client, admin, "FB_Motor", "#Speed := 1;")
    commit_via_api(client, admin, "one")
    return project, admin


def push_to_new_remote(client: TestClient, admin: dict[str, str], bare: Path) -> None:
    """The project's repository pushed to a new bare repository ``bare`` (the workspace's repos/line1.git), its
    remote ``origin``."""
    git("init", "-q", "--bare", "-b", "main", str(bare))
    response_data(client.post(f"{SC}/remotes", json={"Name": "origin", "Url": "repos/line1.git"}, headers=admin))
    response_data(client.post(f"{SC}/push", json={}, headers=admin))


def push_speed_7_elsewhere(bare: Path, other: Path) -> str:
    """Another contributor, in a clone ``other`` of ``bare``, sets FB_Motor's speed to 7 and pushes it: the
    commit pushed."""
    git("clone", "-q", str(bare), str(other))
    fb = other / FB_PATH
    fb.write_text(re.sub(r">1</ConstantValue>", ">7</ConstantValue>", fb.read_text("utf-8-sig"), count=1),
                  "utf-8-sig")
    git("-c", "user.name=Other", "-c", "user.email=o@x", "commit", "-q", "-am", "speed 7", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    return git("rev-parse", "HEAD", cwd=other).strip()
