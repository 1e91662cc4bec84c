"""The stand-in built as V17 and as V21, each in its own process (pythonnet loads one Siemens.Engineering per
process): what a version lacks answers 501 naming the version, never a 500; what it has works.

By the reference (openness_bridge/reference): ``TiaPortal.HardwareCatalog`` and ``LibraryTypeVersion.Edit``/
``Release``/``Discard`` are not in the V17 API; both are in V21's (IntelliSense catalogue, Siemens' V21 code).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bridge.conftest import require_standin

ROOT = Path(__file__).resolve().parents[2]
CPU = "6ES7 516-3AN02-0AB0"

_SCRIPT = """
import json, sys
from pathlib import Path
from engineering_api.backend.errors import EngineeringError
from openness_bridge.standin import standin_backend

def outcome(call, *args, **kwargs):
    try:
        result = call(*args, **kwargs)
    except EngineeringError as exc:
        return {"error": type(exc).__name__, "code": exc.code, "message": exc.message}
    return {"ok": str(result)[:200]}

root = Path(sys.argv[1])
bridge = standin_backend(root / "state")
bridge.on_worker_thread_started()
portal = bridge.launch_portal(with_ui=False, version=None)
project = bridge.create_project(root / "projects", "Line1", author="", comment="")
report = {
    "version": portal.version,
    "path": project.path,
    "catalog": outcome(bridge.catalog.catalog_find, CPU),
    "add": outcome(bridge.devices.add_device, CPU, None, "PLC_1"),
    "devices": [d.name for d in bridge.devices.list_devices()],
    "edit": outcome(bridge.library_types.edit_library_type, "T", "PLC_1"),
    "release": outcome(bridge.library_types.release_library_type, "T", version_number=None, comment=""),
    "discard": outcome(bridge.library_types.discard_library_type, "T"),
}
bridge.close()
print(json.dumps(report))
""".replace("CPU", repr(CPU))


def _play(version: str, tmp_path: Path) -> dict:
    require_standin()
    env = {**os.environ, "ENGINEERING_API_STANDIN_VERSION": version}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_standin_as_v17_lacks_what_v17_lacks_and_the_bridge_says_so(tmp_path: Path) -> None:
    report = _play("V17", tmp_path)
    assert report["version"] == "V17" and report["path"].endswith(".ap17")
    for missing in ("catalog", "edit", "release", "discard"):
        assert report[missing]["error"] == "NotSupportedError", report[missing]
        assert report[missing]["code"] == "NOT_IN_THIS_TIA_VERSION" and "V17" in report[missing]["message"]
    # No catalog in V17's Openness: the device is added all the same, TIA checking the article itself.
    assert "ok" in report["add"] and report["devices"] == ["PLC_1"]


def test_the_standin_as_v21_has_the_catalog_and_type_editing(tmp_path: Path) -> None:
    report = _play("V21", tmp_path)
    assert report["version"] == "V21" and report["path"].endswith(".ap21")
    assert "ok" in report["catalog"] and "ok" in report["add"] and report["devices"] == ["PLC_1"]
    for call in ("edit", "release", "discard"):  # no such type: refused for that reason, not for the version
        assert report[call].get("code") != "NOT_IN_THIS_TIA_VERSION", report[call]


@pytest.mark.parametrize("version", ["V16", "V20"])
def test_a_version_the_standin_does_not_play_is_refused_clearly(version: str) -> None:
    from openness_bridge.standin import StandInUnavailable, build_standin

    with pytest.raises(StandInUnavailable, match="plays"):
        build_standin(version=version)
