"""Finding and loading PLCSIM Advanced's API (openness_bridge.plcsim), tested with injected registry and folders."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from openness_bridge.plcsim import API_DLL, PLCSIM_KEY, find_plcsim

ROOT = r"C:\Program Files (x86)\Common Files\Siemens\PLCSIMADV"


def _registry(value: str | None) -> Any:
    return lambda key: value if key == PLCSIM_KEY else None


def test_the_newest_api_folder_with_the_dll_wins() -> None:
    present = {rf"{ROOT}\API\5.0\{API_DLL}", rf"{ROOT}\API\6.0\{API_DLL}"}
    found = find_plcsim(_registry(ROOT), lambda path: ["4.0", "6.0", "5.0", "10.0-beta", "7.0"], present.__contains__)
    assert found == (rf"{ROOT}\API\6.0\{API_DLL}", "6.0")  # 7.0 has no DLL, 10.0-beta is no version


def test_no_registry_value_or_no_dll_means_not_installed() -> None:
    assert find_plcsim(_registry(None), lambda path: ["6.0"], lambda path: True) is None
    assert find_plcsim(_registry(ROOT), lambda path: ["6.0"], lambda path: False) is None


@pytest.mark.skipif(sys.platform == "win32", reason="the default registry reader exists on Windows only")
def test_without_windows_nothing_is_found_by_default() -> None:
    assert find_plcsim() is None


def test_the_standin_backend_loads_the_plcsim_standin_after_openness(bridge: Any) -> None:
    api = bridge._simulation_api
    assert api is not None and api.version == "stand-in" and api.path.endswith(API_DLL)
    assert api.runtime.__name__ == "Siemens.Simatic.Simulation.Runtime"
    assert "CPU1516" in api.enum_names("ECPUType")
    # As the real API (reference/openness_api.tsv, PLCSIM rows) names and numbers them, in the order of their numbers.
    assert api.enum_names("EOperatingMode") == ["Default", "SingleStep_C", "SingleStep_CT", "TimespanSynchronized_C",
                                                "SingleStep_P", "TimespanSynchronized_P", "SingleStep_CP",
                                                "SingleStep_CPT", "TimespanSynchronized_CP", "SingleStep_Bus"]
    assert int(api.enum("ECPUType", "CPU1511")) == 1511
