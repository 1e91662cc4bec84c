"""Finding PLCSIM Advanced and loading its .NET API (``Siemens.Simatic.Simulation.Runtime``) into this process.

PLCSIM Advanced installs ``Siemens.Simatic.Simulation.Runtime.Api.x64.dll`` under
``<HKLM\\SOFTWARE\\Wow6432Node\\Siemens\\Shared Tools\\PLCSIMADV_SimRT : Path>\\API\\<version>\\`` (the API's own
``RuntimeConstants.ApiDllPathRegistryKeyName``/``ApiDllPathVersionSubdirectory``, and ``../shared/notes/openness.md``
§4). The newest ``API\\<version>`` folder is used. The assembly is loaded with pythonnet into the runtime the
Openness loader already started (:func:`openness_bridge.loader.load_runtime`), so load Openness first.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("API_DLL", "PLCSIM_KEY", "PlcsimApi", "find_plcsim", "load_plcsim")

PLCSIM_KEY = r"SOFTWARE\Wow6432Node\Siemens\Shared Tools\PLCSIMADV_SimRT"
"""Registry key (HKLM) whose value ``Path`` is PLCSIM Advanced's shared-tools folder."""
API_DLL = "Siemens.Simatic.Simulation.Runtime.Api.x64.dll"
RUNTIME_NAMESPACE = "Siemens.Simatic.Simulation.Runtime"


@dataclass
class PlcsimApi:
    """The loaded PLCSIM Advanced API: what :class:`openness_bridge.simulation.BridgeSimulation` calls."""

    path: str
    """The API assembly that was loaded."""
    version: str
    """The ``API\\<version>`` folder it came from (``"stand-in"`` for the test stand-in)."""
    runtime: ModuleType
    """``Siemens.Simatic.Simulation.Runtime``: ``SimulationRuntimeManager``, ``ECPUType``, ``SDataValue``, ..."""

    @property
    def manager(self) -> Any:
        """The static ``SimulationRuntimeManager``."""
        return self.runtime.SimulationRuntimeManager

    def enum_names(self, enum: str) -> list[str]:
        """Member names of one of the API's enumerations (``ECPUType``), as the installed version defines them."""
        import clr
        import System

        return [str(n) for n in System.Enum.GetNames(clr.GetClrType(getattr(self.runtime, enum)))]

    def enum(self, enum: str, name: str) -> Any:
        """The member ``name`` of enumeration ``enum``."""
        return getattr(getattr(self.runtime, enum), name)


def _version_key(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return (-1,)


def _read_registry_path(key: str) -> str | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # the registry is Windows'; this also tells the type checker where winreg exists
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ) as handle:
            value, _kind = winreg.QueryValueEx(handle, "Path")
            return str(value)
    except OSError:
        return None


def find_plcsim(
    read_path: Callable[[str], str | None] | None = None,
    list_dir: Callable[[str], list[str]] | None = None,
    exists: Callable[[str], bool] | None = None,
) -> tuple[str, str] | None:
    """``(api_dll_path, api_version)`` of the newest installed PLCSIM Advanced API, or None.

    ``read_path`` (registry key -> ``Path`` value), ``list_dir`` and ``exists`` are injectable so the logic is tested
    on Linux; by default they read the real registry and file system (Windows only).
    """
    if read_path is None:
        if sys.platform != "win32":
            return None
        read_path = _read_registry_path
    list_dir = list_dir or (lambda p: [c.name for c in Path(p).iterdir()] if Path(p).is_dir() else [])
    exists = exists or (lambda p: Path(p).is_file())
    root = read_path(PLCSIM_KEY)
    if not root:
        return None
    api_dir = PureWindowsPath(root) / "API"
    for version in sorted(list_dir(str(api_dir)), key=_version_key, reverse=True):
        candidate = api_dir / version / API_DLL
        if _version_key(version) != (-1,) and exists(str(candidate)):
            return str(candidate), version
    return None


def load_plcsim(dll: str | Path, version: str) -> PlcsimApi:
    """Reference the PLCSIM Advanced API assembly ``dll`` (pythonnet must already run: load Openness first)."""
    import clr

    clr.AddReference(str(dll))
    return PlcsimApi(path=str(dll), version=version, runtime=importlib.import_module(RUNTIME_NAMESPACE))
