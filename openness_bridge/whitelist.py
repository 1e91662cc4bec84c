"""The Openness whitelist: the registry entry that lets an application attach to TIA Portal without the
interactive "allow access?" prompt, and the port's ``whitelist_application``.

Per installed TIA major, Openness reads ``HKLM\\SOFTWARE\\Siemens\\Automation\\Openness\\{major}.0\\Whitelist\\
{exe file name}\\Entry`` with the values ``Path`` (the full path), ``DateModified`` (the file's last-write time,
UTC, ``yyyy/MM/dd HH:mm:ss.fff``) and ``FileHash`` (base64 of the file's SHA-256). The entry stops matching when
the file changes, so upgrading Python means whitelisting ``python.exe`` again (the doctor checks it).
Writing HKLM needs an elevated process.
"""

from __future__ import annotations

import base64
import hashlib
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from engineering_api.backend.errors import NotFoundError, PermissionDeniedError
from engineering_api.backend.models import WhitelistEntry
from engineering_api.errors import codes

if TYPE_CHECKING:
    from openness_bridge.loader import Installation

__all__ = (
    "WHITELIST_KEY",
    "MemoryRegistry",
    "OpennessWhitelist",
    "Registry",
    "WindowsRegistry",
    "entry_values",
    "whitelist_key",
)

WHITELIST_KEY = r"SOFTWARE\Siemens\Automation\Openness\{major}.0\Whitelist\{exe}\Entry"


def whitelist_key(major: int, application: Path) -> str:
    """The HKLM key of ``application``'s entry for TIA ``major``."""
    return WHITELIST_KEY.format(major=major, exe=application.name)


def entry_values(application: Path) -> dict[str, str]:
    """``Path``, ``DateModified`` and ``FileHash`` as Openness compares them against the running file."""
    modified = datetime.fromtimestamp(application.stat().st_mtime, tz=UTC)
    return {
        "Path": str(application),
        "DateModified": modified.strftime("%Y/%m/%d %H:%M:%S.") + f"{modified.microsecond // 1000:03d}",
        "FileHash": base64.b64encode(hashlib.sha256(application.read_bytes()).digest()).decode("ascii"),
    }


class Registry(Protocol):
    """The part of HKLM the whitelist needs."""

    def read_values(self, key: str) -> dict[str, str] | None:
        """The string values under ``key``, or None when the key does not exist."""

    def write_values(self, key: str, values: dict[str, str]) -> None:
        """Create ``key`` if needed and set ``values``; raises PermissionError when not elevated."""


class WindowsRegistry:  # pragma: no cover - the registry exists only on Windows
    """HKLM through ``winreg``, 64-bit view (TIA Portal is a 64-bit application)."""

    def read_values(self, key: str) -> dict[str, str] | None:
        if sys.platform != "win32":  # winreg and its members exist on Windows only (so for the type check)
            raise OSError("the Windows registry exists on Windows only")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as handle:
                values, index = {}, 0
                while True:
                    try:
                        name, value, _kind = winreg.EnumValue(handle, index)
                    except OSError:
                        return values
                    values[name] = str(value)
                    index += 1
        except FileNotFoundError:
            return None

    def write_values(self, key: str, values: dict[str, str]) -> None:
        if sys.platform != "win32":
            raise OSError("the Windows registry exists on Windows only")
        import winreg

        access = winreg.KEY_WRITE | winreg.KEY_WOW64_64KEY
        with winreg.CreateKeyEx(winreg.HKEY_LOCAL_MACHINE, key, 0, access) as handle:
            for name, value in values.items():
                winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)


class MemoryRegistry:
    """A registry in memory: what the bridge writes to when it runs off Windows (only ever over the stand-in)."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}

    def read_values(self, key: str) -> dict[str, str] | None:
        values = self.keys.get(key.casefold())
        return dict(values) if values is not None else None

    def write_values(self, key: str, values: dict[str, str]) -> None:
        self.keys.setdefault(key.casefold(), {}).update(values)


class OpennessWhitelist:
    """Whitelisting an application for every installed TIA Portal (the session's ``whitelist_application``).

    Args:
        installations: the installed TIA Portal versions; each gets its entry.
        registry: where the entries are written; HKLM on Windows, else (only ever over the stand-in) in memory.
    """

    def __init__(self, installations: list[Installation], registry: Registry | None = None) -> None:
        self._installations = installations
        self.registry: Registry = registry or (WindowsRegistry() if sys.platform == "win32" else MemoryRegistry())

    def whitelist_application(self, application_path: str) -> WhitelistEntry:
        """The port's ``whitelist_application``."""
        application = Path(application_path)
        if not application.is_file():
            raise NotFoundError(f"The application '{application_path}' does not exist.", code=codes.FILE_NOT_FOUND)
        values = entry_values(application)
        majors = [installation.major for installation in self._installations]
        for major in majors:
            key = whitelist_key(major, application)
            try:
                self.registry.write_values(key, values)
            except PermissionError as exc:
                raise PermissionDeniedError(
                    f"Writing HKLM\\{key} was refused: whitelisting needs the service to run elevated (as "
                    "administrator), or an administrator adds the entry once.",
                    code=codes.WHITELIST_NOT_ELEVATED, details={"key": f"HKLM\\{key}", **values},
                ) from exc
        return WhitelistEntry(
            application_path=str(application), sha256=hashlib.sha256(application.read_bytes()).hexdigest(),
            tia_version=", ".join(f"V{major}" for major in majors),
            added_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        )
