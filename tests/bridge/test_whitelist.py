"""The Openness whitelist entry (what ``whitelist_application`` writes) and the doctor's access checks."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from engineering_api.backend.errors import NotFoundError, PermissionDeniedError
from openness_bridge.doctor import OPENNESS_GROUP, openness_access_checks
from openness_bridge.loader import Installation
from openness_bridge.whitelist import MemoryRegistry, OpennessWhitelist, entry_values, whitelist_key
from tests.lib.outcomes import raises_code


@pytest.fixture
def exe(tmp_path: Path) -> Path:
    path = tmp_path / "python.exe"
    path.write_bytes(b"MZ python")
    os.utime(path, (0, 1_700_000_000.25))
    return path


def _installations(*majors: int) -> list[Installation]:
    return [Installation(f"V{m}", f"C:/Portal V{m}", (f"C:/Portal V{m}/Siemens.Engineering.dll",)) for m in majors]


def test_the_entry_is_what_openness_compares(exe: Path) -> None:
    assert whitelist_key(19, exe) == r"SOFTWARE\Siemens\Automation\Openness\19.0\Whitelist\python.exe\Entry"
    assert entry_values(exe) == {
        "Path": str(exe),
        "DateModified": "2023/11/14 22:13:20.250",
        "FileHash": base64.b64encode(hashlib.sha256(b"MZ python").digest()).decode(),
    }


def test_the_bridge_writes_one_entry_per_installed_version(bridge: Any, exe: Path) -> None:
    registry = MemoryRegistry()
    bridge.whitelist = OpennessWhitelist(_installations(18, 19), registry)
    entry = bridge.whitelist_application(str(exe))
    assert (entry.application_path, entry.tia_version) == (str(exe), "V18, V19")
    assert entry.sha256 == hashlib.sha256(b"MZ python").hexdigest()
    for major in (18, 19):
        assert registry.read_values(whitelist_key(major, exe)) == entry_values(exe)
    with pytest.raises(NotFoundError):
        bridge.whitelist_application(str(exe.with_name("missing.exe")))


def test_not_elevated_is_permission_denied_with_the_key(bridge: Any, exe: Path) -> None:
    class ReadOnly(MemoryRegistry):
        def write_values(self, key: str, values: dict[str, str]) -> None:
            raise PermissionError(5, "Access is denied")

    bridge.whitelist = OpennessWhitelist(_installations(19), ReadOnly())
    refused = raises_code(PermissionDeniedError, "WHITELIST_NOT_ELEVATED", bridge.whitelist_application, str(exe))
    assert "Whitelist\\python.exe" in refused.details["key"]


def test_doctor_reports_group_and_whitelist_with_fixes(exe: Path) -> None:
    registry = MemoryRegistry()
    registry.write_values(whitelist_key(19, exe), entry_values(exe))
    registry.write_values(whitelist_key(20, exe), {**entry_values(exe), "FileHash": "b2xkIHB5dGhvbg=="})
    checks = openness_access_checks(_installations(19, 20, 21), registry, ["BUILTIN\\Users"], exe)
    by_name = {c.name: c for c in checks}
    group = by_name["Openness user group"]
    assert not group.ok and OPENNESS_GROUP in group.fix and "log off" in group.fix
    assert (by_name["Openness whitelist V19"].ok
            and entry_values(exe)["FileHash"] in by_name["Openness whitelist V19"].detail)
    assert not by_name["Openness whitelist V20"].ok and "upgraded" in by_name["Openness whitelist V20"].detail
    assert (not by_name["Openness whitelist V21"].ok
            and "/api/tia/firewall/whitelist" in by_name["Openness whitelist V21"].fix)
    member = openness_access_checks([], registry, [f"PC-01\\{OPENNESS_GROUP}"], exe)
    assert member[0].ok and member[0].fix == ""


def test_doctor_reports_plcsim_advanced() -> None:
    from openness_bridge.doctor import plcsim_check

    missing = plcsim_check(None)
    assert not missing.ok and "PLCSIMADV_SimRT" in missing.detail and "/api/simulation" in missing.fix
    found = plcsim_check((r"C:\PLCSIM\API\6.0\Siemens.Simatic.Simulation.Runtime.Api.x64.dll", "6.0"))
    assert found.ok and "API 6.0" in found.detail
