"""``compile_hmi`` on every adapter: a clean panel compiles to Success with a result tree naming the device, and a
device that is not an HMI panel is refused. The findings the fake models (rules/hmi_compile.py) are tested through
HTTP in tests/api/test_hmi_compile_api.py; the stand-in, like TIA's stand-in PLC compiler, reports no findings."""

from __future__ import annotations

from engineering_api.backend import errors as e
from engineering_api.backend.port import EngineeringBackend
from tests.lib.outcomes import raises_code

BRIDGE_PENDING: dict[str, str] = {}


def test_a_clean_panel_compiles(backend: EngineeringBackend, panel: str) -> None:
    result = backend.hmi.compile_hmi(panel)
    assert (result.state, result.error_count, result.warning_count) == ("Success", 0, 0)
    assert result.messages and result.messages[0].path.startswith(panel)
    assert result.diagnostics == []


def test_only_hmi_devices_compile_as_hmi(backend: EngineeringBackend, panel: str) -> None:
    raises_code(e.ValidationError, "NOT_AN_HMI", backend.hmi.compile_hmi, "PLC_1")
    raises_code(e.NotFoundError, "DEVICE_NOT_FOUND", backend.hmi.compile_hmi, "Nope")
