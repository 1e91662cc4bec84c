"""V21's assembly set: the classic HMI and WinCC Unified modules are referenced when they are installed."""

from __future__ import annotations

from openness_bridge.loader import assembly_paths

BASE = r"C:\Program Files\Siemens\Automation\Portal V21"
NET48 = rf"{BASE}\PublicAPI\V21\net48"


def test_v21_references_the_hmi_and_unified_modules_that_are_installed() -> None:
    present = {rf"{NET48}\{name}" for name in ("Siemens.Engineering.Step7.dll", "Siemens.Engineering.WinCC.dll",
                                               "Siemens.Engineering.WinCCUnified.dll")}
    assemblies, _ = assembly_paths(21, BASE, exists=present.__contains__)
    assert assemblies == (
        rf"{NET48}\Siemens.Engineering.Base.dll",
        rf"{NET48}\Siemens.Engineering.Step7.dll",
        rf"{NET48}\Siemens.Engineering.WinCC.dll",
        rf"{NET48}\Siemens.Engineering.WinCCUnified.dll",
    )


def test_a_v21_without_wincc_loads_without_it() -> None:
    assemblies, _ = assembly_paths(21, BASE, exists={rf"{NET48}\Siemens.Engineering.Step7.dll"}.__contains__)
    assert not any("WinCC" in a for a in assemblies)


def test_v17_to_v20_keep_their_single_assembly() -> None:
    assemblies, _ = assembly_paths(19, BASE, exists=lambda _path: True)
    assert assemblies == (rf"{BASE}\PublicAPI\V19\Siemens.Engineering.dll",)
