"""T-IA Connect's own VS Code client, unmodified, against a served engineering-api (issue 15, "Done means").

``driver.mjs`` bundles the client's ``src/api/*.ts`` and language-model tools (from ``TIA_CONNECT_CLIENT_DIR``, or
HEAD of the mirror) with esbuild and calls every function in a user's order against ``engineering-api serve``;
this test starts the server, a scripted model provider for the assistant, runs the driver and asserts that every
call passed (all 87 calls, the language-model tools and the calls around them pass today). A call whose route area
a probe finds missing on the server counts as an expected failure with the reason, so the harness still runs
against an older server. Without node, or without the client's source, the test skips and says why:
see tests/realclient/README.md. The driver's last call stops the server (``POST /api/health/shutdown``), so the
served process must exit by itself.
"""

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
from tests.realclient.conftest import serve

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.realclient.conftest import Served

HERE = Path(__file__).parent
DRIVER = HERE / "driver.mjs"
CHECK_TIMEOUT_S = 240  # the first run installs esbuild with npm
RUN_TIMEOUT_S = 240
EXIT_TIMEOUT_S = 30


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed: the vendor-client harness needs Node.js 18+ (see tests/realclient/README.md)"
        print(reason)
        pytest.skip(reason)
    return node


@pytest.fixture
def served(tmp_path: Path, node_ready: str) -> Iterator[Served]:
    yield from serve(tmp_path / "data")


def test_the_vendor_client_passes_every_call(served: Served, node_ready: str, tmp_path: Path) -> None:
    run_vendor_client(served, node_ready, tmp_path)


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
