"""The collection guard (tests/collection_guard.py): items sharing a node id stop the run, naming the id, with and
without xdist. Each case runs a real pytest on a scratch directory whose conftest collects one test twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.bounds import HANG_GUARD_S
from tests.collection_guard import shared_node_ids

REPO = Path(__file__).resolve().parents[1]

TWICE = """
def pytest_collection_modifyitems(items):
    items.append(items[0])  # the same item twice: one node id for two items
"""


def _run(scratch: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (scratch / "conftest.py").write_text(TWICE)
    (scratch / "test_op.py").write_text("def test_op():\n    pass\n")
    # Only the plugins the case needs: the environment's others (Schemathesis, Hypothesis, ...) cost seconds each
    # in the run and in every xdist worker.
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "xdist", "-p", "tests.collection_guard", "-p", "no:cacheprovider",
         "-q", *args],
        cwd=scratch, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["alone", "xdist"])
def test_items_sharing_a_node_id_stop_the_run_naming_it(tmp_path: Path, workers: tuple[str, ...]) -> None:
    run = _run(tmp_path, *workers)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "share a node id" in run.stdout + run.stderr
    assert "test_op.py::test_op (2 items)" in run.stdout + run.stderr
    assert "INTERNALERROR" not in run.stdout + run.stderr


def test_distinct_node_ids_pass() -> None:
    assert shared_node_ids(["t.py::test_op[GET /a]", "t.py::test_op[POST /a]"]) == {}
    assert shared_node_ids(["t.py::a", "t.py::a", "t.py::b"]) == {"t.py::a": 2}
