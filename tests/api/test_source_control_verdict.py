"""A source-control pull (the apply of a target tree) judged by the one check before it changes anything: a file of
the target TIA's import refuses is a 4xx with the check's finding at its line, as ``simaticml check`` reports it,
and the objects the pull would delete first are still there.

Before, the apply read each file with its own reader first (an unreadable file: ``INVALID_SIMATICML`` with the
parser's text, no finding), and a tag table with a tag at ``%I0.8`` was imported."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.import_verdicts import CORPUS, cli_errors, refused_findings
from tests.api.source_control_support import SC, commit, git, needs_git, put_block
from tests.api.branch_support import FC_PATH, clean, source, started
from tests.conftest import Headers, data
from tests.lib.shared_corpus import READS_SHARED

TABLE = CORPUS / "tagtable" / "Fwaldt_Analog_Outputs.xml"

pytestmark = [needs_git, READS_SHARED]


@pytest.fixture
def h(admin_headers: Headers, cpu: dict[str, Any]) -> Headers:
    return admin_headers


def _pushed_elsewhere(client: TestClient[Any], h: Headers, workspace: Path, tmp_path: Path) -> Path:
    """The project (FB_Motor, FC_New) committed and pushed; a clone of it to change."""
    started(client, h, "#Speed := 1;")
    put_block(client, h, "FC_New", "#Speed := 3;", block_type="FC", number=3)
    commit(client, h, "two")
    git("init", "-q", "--bare", "-b", "main", str(workspace / "r.git"))
    data(client.post(f"{SC}/remotes", json={"name": "origin", "url": "r.git"}, headers=h))
    data(client.post(f"{SC}/push", json={}, headers=h))
    other = tmp_path / "other"
    git("clone", "-q", str(workspace / "r.git"), str(other))
    return other


@pytest.mark.parametrize("shape", ["a tag at %I0.8", "cut in half"])
def test_a_pulled_file_the_check_refuses_is_refused_at_its_line_before_anything_changes(
        client: TestClient[Any], h: Headers, workspace: Path, tmp_path: Path, shape: str) -> None:
    other = _pushed_elsewhere(client, h, workspace, tmp_path)
    raw = TABLE.read_bytes()
    text = (re.sub(rb"<LogicalAddress>[^<]*</LogicalAddress>", b"<LogicalAddress>%I0.8</LogicalAddress>", raw,
                   count=1) if shape == "a tag at %I0.8" else raw[:len(raw) // 2])
    table = other / "PLC_1" / "PLC tags" / "Analog_Outputs.xml"
    table.parent.mkdir(parents=True, exist_ok=True)
    table.write_bytes(text)
    git("rm", "-q", FC_PATH, cwd=other)  # the pull deletes it before it imports
    git("add", "-A", cwd=other)
    git("-c", "user.name=O", "-c", "user.email=o@x", "commit", "-q", "-m", "bad table", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    _, checked = cli_errors(table)
    response = client.post(f"{SC}/pull", json={}, headers=h)
    assert response.status_code == 422, response.text
    assert checked and refused_findings(response.json()) == checked
    assert source(client, h, "FC_New") == "#Speed := 3;" and clean(client, h)
