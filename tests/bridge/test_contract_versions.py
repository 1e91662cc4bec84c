"""The contract suite (tests/contract) and the first Windows session (tests/bridge/test_first_session.py) on the
stand-in built as V17, the oldest TIA the bridge claims, V18, and V21, the newest: the default run plays V19.
pythonnet loads one ``Siemens.Engineering`` per process, so each version runs them in a process of its own (one
pytest, one Mono load, one stand-in build per version, cached).

The suite is version-aware (tests/contract/played.py): file extensions and SimaticML follow the played version, and a
test of a member that version's Openness lacks expects the 501 ``NOT_IN_THIS_TIA_VERSION`` gate. Nothing is skipped
for the version; the skips are the suite's own ``BRIDGE_PENDING`` ones, the same as in the default run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bridge.conftest import require_standin

ROOT = Path(__file__).resolve().parents[2]
PLAYED = ("V17", "V18", "V21")
"""The versions played besides the default V19 (openness_bridge.standin.PLAYED): the oldest claimed, V18 (its own
metadata: Unified groups, the catalog, no script modules), and V21 (best evidence)."""
SUITE_BOUND_S = 1800
"""How long one version's run may take before it is called hung (about a minute of CPU on an idle machine)."""
_INHERITED = ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST",
              "ENGINEERING_API_STANDIN_VERSION")
"""Variables of this run that must not leak into the nested one (it is no xdist worker, and plays its own version)."""
FIRST_SESSION = "tests/bridge/test_first_session.py"
"""The first Windows session, walked by the same process on the same build (it walks the build it loaded)."""
UNUSED_PLUGINS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
"""Installed pytest plugins the contract suite does not use; loading them costs about 2.5 s of CPU per nested run."""


@pytest.mark.parametrize("version", PLAYED)
def test_the_contract_suite_passes_on_the_standin_as(version: str, tmp_path: Path) -> None:
    require_standin()
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
    env["ENGINEERING_API_STANDIN_VERSION"] = version
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *UNUSED_PLUGINS, "--backend", "bridge",
         "--tb=short", "-rfE", f"--basetemp={tmp_path / 'suite'}", "tests/contract", FIRST_SESSION],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=SUITE_BOUND_S,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, (f"the contract suite as {version}: "
                                  f"{summary}\n{done.stdout[-12000:]}{done.stderr[-3000:]}")
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) > 250, summary  # the bridge really ran (about 330 tests), not skipped
