"""What stands between this machine and a working TIA Openness backend, in plain words."""

from __future__ import annotations

import importlib.util
import platform
import sys
from dataclasses import dataclass
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
    checks.append(
        Check(
            "bridge implementation", False,
            "the Openness adapter is not part of this build yet (the fake backend is complete for the served routes)",
            "Use --backend fake until the bridge lands.",
        )
    )
    return checks
