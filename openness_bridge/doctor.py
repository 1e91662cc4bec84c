"""What stands between this machine and a working TIA Openness backend, in plain words."""

from __future__ import annotations

import importlib.util
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engineering_api.config import Settings

__all__ = ("Check", "diagnose")


@dataclass(frozen=True)
class Check:
    """One finding and, when it fails, the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def diagnose(settings: Settings | None = None) -> list[Check]:
    """Checks for the openness backend; the first failing one usually explains the rest."""
    checks: list[Check] = []
    on_windows = sys.platform == "win32"
    checks.append(
        Check(
            "operating system", on_windows,
            f"{platform.system()} {platform.release()}" + ("" if on_windows else ": TIA Portal and Openness run only on Windows"),
            "" if on_windows else "Run the service on the Windows engineering PC that has TIA Portal V17–V21 installed, "
            "or use --backend fake on this machine.",
        )
    )
    has_pythonnet = importlib.util.find_spec("clr_loader") is not None and importlib.util.find_spec("pythonnet") is not None
    checks.append(
        Check(
            "pythonnet", has_pythonnet, "installed" if has_pythonnet else "not installed",
            "" if has_pythonnet else 'pip install "engineering-api[windows]"',
        )
    )
    if on_windows:  # pragma: no cover - the registry exists only on Windows
        from openness_bridge.loader import find_installations

        found = find_installations()
        checks.append(
            Check(
                "TIA Portal installations", bool(found),
                ", ".join(f"{i.version} at {i.install_path}" for i in found) or "no TIA Portal V17–V21 in the registry",
                "" if found else "Install TIA Portal V17–V21 with the Openness option (TIA_Opns).",
            )
        )
        for inst in found:
            present = Path(inst.assemblies[0]).is_file()
            checks.append(
                Check(
                    f"Openness assembly {inst.version}", present, inst.assemblies[0],
                    "" if present else "Re-run the TIA Portal setup and select 'TIA Openness'.",
                )
            )
    checks.append(
        Check(
            "bridge coverage", True,
            "portals, projects and listing/adding devices are implemented; other operations answer "
            "BRIDGE_NOT_YET_IMPLEMENTED (see openness_bridge/README.md). Openness group and whitelist checks are "
            "not part of the doctor yet.",
        )
    )
    return checks
