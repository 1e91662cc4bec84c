"""Running the vendor's client against a served app."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2
import pytest

from tests import live_http
from tests.assistant_stub import ScriptedProvider, say

if TYPE_CHECKING:
    from tests.realclient.conftest import Served

__all__ = ("CHECK_TIMEOUT_S", "DRIVER", "EXIT_TIMEOUT_S", "HERE", "RUN_TIMEOUT_S", "node_path", "run_vendor_client")

HERE = Path(__file__).parent

DRIVER = HERE / "driver.mjs"

CHECK_TIMEOUT_S = 240  # the first run installs esbuild with npm

RUN_TIMEOUT_S = 240

EXIT_TIMEOUT_S = 30


def node_path() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed: the vendor-client harness needs Node.js 18+ (see tests/realclient/README.md)"
        print(reason)
        pytest.skip(reason)
    return node


def run_vendor_client(served: Served, node_ready: str, tmp_path: Path) -> None:
    """Run the client's every call against ``served`` and assert that all passed and the server stopped."""
    remote = served.workspace / "remote.git"
    pygit2.init_repository(str(remote), bare=True)
    report_path = tmp_path / "report.json"
    # The assistant's model is the scripted stand-in (no model service is reachable from the tests); each answer
    # takes a moment, so the client's stop button has a running answer to stop.
    with ScriptedProvider(default=say("PLC_1 is a CPU 1516-3 PN/DP."), delay=0.8) as provider:
        live_http.put(f"{served.base}/api/assistant/settings", headers={"X-API-Key": served.admin_key}, json={
            "provider": "openai", "model": "stub-large", "baseUrl": provider.base_url,
        }).raise_for_status()
        run = subprocess.run(
            [node_ready, str(DRIVER), "--base-url", served.base, "--admin-key", served.admin_key,
             "--workspace", str(served.workspace), "--remote", str(remote), "--report", str(report_path)],
            capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
        )
    assert report_path.exists(), f"the driver wrote no report (exit {run.returncode}):\n{run.stdout}\n{run.stderr}"
    report = json.loads(report_path.read_text())
    print(f"vendor client {report['client']}: {report['apiFunctions']} calls of src/api, "
          f"{json.dumps(report['counts'])}")
    for line in report["expectedFailures"]:
        print(f"expected failure: {line}")
    for line in report.get("unexpectedPasses", []):
        print(f"now passes (remove it from the known gaps): {line}")
    assert not report["notCalled"], f"exported client functions the driver does not call: {report['notCalled']}"
    assert not report["failed"], "calls that failed:\n" + "\n".join(report["failed"])
    assert run.returncode == 0, run.stdout + run.stderr
    # The last call was the client's "stop server": the process ends by itself, gracefully.
    code = served.wait_exit(EXIT_TIMEOUT_S)
    assert code == 0, f"the server did not stop after POST /api/health/shutdown (exit {code}):\n{served.output()}"
