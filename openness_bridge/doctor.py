"""What stands between this machine and a working TIA Openness backend, in plain words."""

from __future__ import annotations

import csv
import importlib.util
import io
import platform
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from engineering_api.lib.doctor import Check

if TYPE_CHECKING:
    from collections.abc import Iterable

    from engineering_api.config import Settings
    from openness_bridge.loader import Installation
    from openness_bridge.whitelist import Registry

__all__ = ("OPENNESS_GROUP", "Check", "diagnose", "openness_access_checks", "plcsim_check", "token_groups")

OPENNESS_GROUP = "Siemens TIA Openness"
"""The local Windows group whose members may use Openness (TIA setup creates it)."""


def diagnose(settings: Settings | None = None) -> list[Check]:
    """Checks for the openness backend; the first failing one usually explains the rest."""
    checks: list[Check] = []
    on_windows = sys.platform == "win32"
    checks.append(
        Check(
            "operating system", on_windows,
            f"{platform.system()} {platform.release()}"
            + ("" if on_windows else ": TIA Portal and Openness run only on Windows"),
            "" if on_windows
            else "Run the service on the Windows engineering PC that has TIA Portal V17–V21 installed, "
            "or use --backend fake on this machine.",
        )
    )
    has_pythonnet = (
        importlib.util.find_spec("clr_loader") is not None and importlib.util.find_spec("pythonnet") is not None
    )
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
        from openness_bridge.whitelist import WindowsRegistry

        checks.extend(openness_access_checks(found, WindowsRegistry(), token_groups(), Path(sys.executable)))
        from openness_bridge.plcsim import find_plcsim

        checks.append(plcsim_check(find_plcsim()))
    checks.append(
        Check(
            "bridge coverage", True,
            "every operation is implemented over Openness; those Openness has no equivalent for answer 501 "
            "NO_OPENNESS_EQUIVALENT with the reason (openness_bridge/README.md lists them).",
        )
    )
    return checks


def plcsim_check(found: tuple[str, str] | None) -> Check:
    """PLCSIM Advanced, which backs the simulation routes (optional: the rest works without it)."""
    if found is None:
        return Check(
            "PLCSIM Advanced", False,
            "not installed (no HKLM\\SOFTWARE\\Wow6432Node\\Siemens\\Shared Tools\\PLCSIMADV_SimRT)",
            "Install S7-PLCSIM Advanced to use the /api/simulation routes and download to a simulated CPU; "
            "everything else works without it.",
        )
    path, version = found
    return Check("PLCSIM Advanced", True, f"API {version} at {path}")


def token_groups() -> list[str]:  # pragma: no cover - whoami exists only on Windows
    """Groups of this process's Windows token (``whoami /groups``): membership takes effect only after logging on
    again, and the token shows exactly that."""
    try:
        out = subprocess.run(["whoami", "/groups", "/fo", "csv", "/nh"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [row[0] for row in csv.reader(io.StringIO(out)) if row]


def _in_group(groups: Iterable[str], group: str) -> bool:
    # whoami qualifies local groups with the machine name ("PC-01\\Siemens TIA Openness").
    return any(g.casefold() == group.casefold() or g.casefold().endswith("\\" + group.casefold()) for g in groups)


def openness_access_checks(
    installations: list[Installation], registry: Registry, groups: list[str], executable: Path
) -> list[Check]:
    """Group membership and, per installed version, the whitelist entry of ``executable`` (the running python.exe).

    Pure given its inputs, so it is tested off Windows with an in-memory registry.
    """
    from openness_bridge.whitelist import entry_values, whitelist_key

    member = _in_group(groups, OPENNESS_GROUP)
    checks = [Check(
        "Openness user group", member,
        f"this user is {'a member' if member else 'not a member'} of the local group '{OPENNESS_GROUP}'",
        "" if member
        else f"As administrator: net localgroup \"{OPENNESS_GROUP}\" %USERNAME% /add — then log off and on "
        "again (membership counts only from the next logon). Without it, attaching fails with "
        "EngineeringSecurityException.",
    )]
    expected = entry_values(executable)
    for installation in installations:
        key = whitelist_key(installation.major, executable)
        found = registry.read_values(key)
        if found is None:
            ok, detail = False, f"no whitelist entry HKLM\\{key}"
        elif found.get("FileHash") != expected["FileHash"] or found.get("Path",
                                                                        "").casefold() != expected["Path"].casefold():
            ok, detail = False, (f"HKLM\\{key} is for another file (FileHash {found.get('FileHash', '?')}); "
                                 f"{executable} has SHA-256 (base64) {expected['FileHash']} — Python was probably "
                                 "upgraded")
        else:
            ok, detail = True, f"HKLM\\{key} matches {executable} (SHA-256 base64 {expected['FileHash']})"
        checks.append(Check(
            f"Openness whitelist {installation.version}", ok, detail,
            "" if ok else "Run the service once as administrator and call POST /api/tia/firewall/whitelist (it writes "
            f"this entry for {executable}), or answer TIA's 'allow access' prompt on the first attach. Without it, "
            "each attach waits for that prompt.",
        ))
    return checks
