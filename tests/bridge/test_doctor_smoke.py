"""``engineering-api doctor --smoke``: the common calls against a scratch project it creates and deletes, printed for a
bug report; run against the Openness bridge over the stand-in (Mono), the fake, and as the command itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from engineering_api.backend.smoke import smoke

STEPS = ["portal", "project create", "project open", "project info", "device add", "block import", "block compile",
         "block export", "online status", "PLCSIM instances", "cleanup"]


def _walked(report: Any, root: Path, steps_run: list[str] = STEPS) -> dict[str, Any]:
    steps = {step.name: step for step in report.steps}
    assert list(steps) == steps_run
    assert list(root.iterdir()) == []  # the scratch folder is gone
    return steps


def test_the_smoke_walk_runs_against_the_bridge_and_cleans_up(bridge: Any, tmp_path: Path) -> None:
    report = smoke(bridge, "openness", scratch_root=tmp_path / "scratch")
    steps = _walked(report, tmp_path / "scratch")
    failed = {name: step.detail for name, step in steps.items() if not step.ok}
    assert failed == {}
    assert report.tia_version == "V19"
    assert "Smoke_FC" in steps["block export"].detail and "SmokePLC is offline" == steps["online status"].detail
    assert bridge.session_status().connected is False  # the launched portal was shut down
    assert bridge.list_portals() == []
    lines = report.lines()
    assert lines[2] == "backend: openness, TIA Portal V19"
    assert any(line.startswith("[ok  ] device add: added SmokePLC") for line in lines)


def test_a_failing_step_is_reported_with_its_code_and_the_walk_goes_on(bridge: Any, faults: Any,
                                                                       tmp_path: Path) -> None:
    faults.ArmNext("ProjectComposition.Open", "TargetInvocation", "The project cannot be opened.", "Disk full.", None)
    report = smoke(bridge, "openness", scratch_root=tmp_path / "scratch")
    # without the project, the steps that need it fail and the walk goes on to what does not
    steps = _walked(report, tmp_path / "scratch", ["portal", "project create", "project open", "project info",
                                                  "device add", "PLCSIM instances", "cleanup"])
    assert not steps["project open"].ok and "OPENNESS_REFUSED" in steps["project open"].detail
    assert "Disk full." in steps["project open"].detail
    assert steps["cleanup"].ok and report.failed >= 1
    assert report.lines()[-1].endswith("failed")


def test_the_smoke_walk_runs_against_the_fake(tmp_path: Path) -> None:
    from fakes.backend import FakeBackend

    backend = FakeBackend(tmp_path / "data")
    backend.on_worker_thread_started()
    try:
        report = smoke(backend, "fake", scratch_root=tmp_path / "scratch")
    finally:
        backend.close()
    _walked(report, tmp_path / "scratch")
    assert [s.name for s in report.steps if not s.ok] == []
    assert report.lines()[-1] == f"{len(STEPS)} of {len(STEPS)} steps worked"


def test_the_command_prints_the_report_and_exits_by_its_outcome(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "engineering_api.cli", "doctor", "--smoke", "--data-dir",
                             str(tmp_path)],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("engineering-api doctor --smoke\n")
    assert "backend: fake, TIA Portal V19" in result.stdout and "[ok  ] block export" in result.stdout
