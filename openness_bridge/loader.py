"""Finding TIA Portal and loading the Openness assemblies into this Python process.

Order matters and is enforced here: the .NET runtime is chosen *before* ``import clr`` (pythonnet
otherwise initialises its default runtime), then an ``AssemblyResolve`` handler is installed, then the
public API assembly is referenced. On Windows the runtime is .NET Framework (``netfx``) because Openness
talks .NET Remoting and does not run on CoreCLR; under test on Linux it is Mono, loading the C# stand-in.

One process can hold one Siemens.Engineering version: V17–V20 ship a single ``Siemens.Engineering.dll``,
V21 is modular (``PublicAPI\\V21\\net48\\Siemens.Engineering.Base.dll`` and friends).
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = (
    "SUPPORTED_MAJORS",
    "Installation",
    "OpennessApi",
    "assembly_paths",
    "find_installations",
    "load_api",
    "load_runtime",
)

SUPPORTED_MAJORS = (17, 18, 19, 20, 21)
"""TIA Portal majors the bridge looks for in the registry."""

INSTALLED_SW_KEY = r"SOFTWARE\Siemens\Automation\_InstalledSW\TIAP{major}\Global"
"""Registry key (HKLM) whose value ``Path`` is the install folder (see ../shared/notes/openness.md §2.5)."""

# V21's modular assemblies besides .Base; only the ones present are referenced. Step7/Safety/Startdrive: Siemens'
# V21 snippets (github:siemens/tia-portal-openness-code-snippets, the .csproj HintPaths). Classic HMI
# (Siemens.Engineering.Hmi, HmiTarget) and WinCC Unified (Siemens.Engineering.HmiUnified, HmiSoftware) live in
# WinCC.dll and WinCCUnified.dll beside them: public projects built against the V21 PublicAPI reference both from
# PublicAPI\V21\net48 (found with find_string("Siemens.Engineering.WinCCUnified.dll"); their notes verify the split
# by reflection). Without them the bridge's HMI areas would find no HMI type on V21.
V21_MODULES = ("Siemens.Engineering.Step7.dll", "Siemens.Engineering.Safety.dll", "Siemens.Engineering.Startdrive.dll",
               "Siemens.Engineering.WinCC.dll", "Siemens.Engineering.WinCCUnified.dll")


@dataclass(frozen=True)
class Installation:
    """One installed TIA Portal version and the Openness assemblies to reference for it."""

    version: str
    """``V17`` … ``V21``."""
    install_path: str
    assemblies: tuple[str, ...]
    """First the main public API assembly, then optional modules (V21)."""
    search_dirs: tuple[str, ...] = ()
    """Folders the assembly resolver looks in for dependent DLLs."""

    @property
    def major(self) -> int:
        """The version number without the ``V``."""
        return int(self.version[1:])


def assembly_paths(major: int, install_dir: str,
                   exists: Callable[[str], bool] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The assemblies and resolver folders of TIA ``major`` installed in ``install_dir`` (Windows paths).

    V21: ``PublicAPI\\V21\\net48\\Siemens.Engineering.Base.dll`` plus the present modules;
    V17–V20: ``PublicAPI\\V{n}\\Siemens.Engineering.dll``. ``Bin\\PublicAPI`` holds dependencies
    (``Siemens.Engineering.Contract.dll``) that public scripts reference, so the resolver searches it too.
    """
    exists = exists or (lambda p: Path(p).is_file())
    root = PureWindowsPath(install_dir)
    if major >= 21:
        api_dir = root / "PublicAPI" / f"V{major}" / "net48"
        main = api_dir / "Siemens.Engineering.Base.dll"
        modules = [str(api_dir / m) for m in V21_MODULES if exists(str(api_dir / m))]
        assemblies = (str(main), *modules)
    else:
        api_dir = root / "PublicAPI" / f"V{major}"
        assemblies = (str(api_dir / "Siemens.Engineering.dll"),)
    return assemblies, (str(api_dir), str(root / "Bin" / "PublicAPI"))


def _read_registry_path(key: str) -> str | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # the registry exists on Windows only (and so winreg's members, for the type check)
        return None
    import winreg

    for view in (winreg.KEY_WOW64_64KEY, 0):
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | view) as handle:
                value, _kind = winreg.QueryValueEx(handle, "Path")
                return str(value)
        except OSError:
            continue
    return None


def find_installations(
    read_path: Callable[[str], str | None] | None = None, exists: Callable[[str], bool] | None = None
) -> list[Installation]:
    """TIA Portal V17–V21 installed on this machine, from ``HKLM\\...\\_InstalledSW\\TIAP{n}\\Global``.

    ``read_path`` (registry key → ``Path`` value) and ``exists`` are injectable so the logic is tested on
    Linux; by default they read the real registry, which exists only on Windows.
    """
    if read_path is None:
        if sys.platform != "win32":
            return []
        read_path = _read_registry_path
    found = []
    for major in SUPPORTED_MAJORS:
        install = read_path(INSTALLED_SW_KEY.format(major=major))
        if not install:
            continue
        assemblies, dirs = assembly_paths(major, install, exists)
        found.append(Installation(f"V{major}", install, assemblies, dirs))
    return found


_runtime_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def load_runtime(kind: str | None = None) -> str:
    """Select and start the .NET runtime (``netfx`` on Windows, ``mono`` elsewhere) before ``import clr``.

    Idempotent; returns the runtime kind in use. Raises ``RuntimeError`` when pythonnet already runs a
    different runtime (it cannot be switched inside one process).
    """
    kind = kind or ("netfx" if sys.platform == "win32" else "mono")
    with _runtime_lock:
        current = _loaded.get("runtime")
        if current is not None:
            if current != kind:
                raise RuntimeError(f"pythonnet already runs {current}; {kind} cannot be loaded in the same process")
            return current
        import warnings

        import pythonnet

        info = pythonnet.get_runtime_info()
        if info is None:
            with warnings.catch_warnings():
                # clr_loader warns about Mono < 6.12; Debian 12's 6.8 works for what the bridge does.
                warnings.simplefilter("ignore", UserWarning)
                pythonnet.load(kind)
        import clr  # noqa: F401 - initialises the runtime chosen above

        _loaded["runtime"] = kind
        return kind


@dataclass
class OpennessApi:
    """The loaded Openness namespaces, as pythonnet modules; what the adapter calls."""

    version: str
    runtime: str
    assemblies: tuple[str, ...]
    engineering: ModuleType
    """``Siemens.Engineering``."""
    hw: ModuleType
    """``Siemens.Engineering.HW``."""
    hw_features: ModuleType
    """``Siemens.Engineering.HW.Features``."""
    system: ModuleType
    io: ModuleType
    """``System.IO`` (``FileInfo``/``DirectoryInfo`` arguments)."""
    resolved: list[str] = field(default_factory=list)
    """Assemblies the resolver handed to the runtime (diagnostics)."""


def _install_resolver(search_dirs: Iterable[str], resolved: list[str]) -> None:
    """Answer ``AppDomain.AssemblyResolve`` from the TIA folders, so dependent DLLs are found."""
    import System
    from System.Reflection import Assembly

    dirs = [d for d in search_dirs if d]

    def resolve(_sender: Any, args: Any) -> Any:
        short = str(args.Name).split(",")[0]
        for folder in dirs:
            candidate = Path(folder) / f"{short}.dll"
            if candidate.is_file():
                resolved.append(str(candidate))
                return Assembly.LoadFrom(str(candidate))
        return None

    System.AppDomain.CurrentDomain.AssemblyResolve += System.ResolveEventHandler(resolve)


def load_api(installation: Installation, runtime: str | None = None) -> OpennessApi:
    """Load the runtime, the resolver and the assemblies of ``installation``; cached per process."""
    cached = _loaded.get("api")
    if cached is not None:
        if cached.assemblies != installation.assemblies:
            raise RuntimeError(
                f"Openness {cached.version} is already loaded in this process; {installation.version} needs a restart"
            )
        return cached
    kind = load_runtime(runtime)
    import clr

    resolved: list[str] = []
    _install_resolver(installation.search_dirs, resolved)
    for assembly in installation.assemblies:
        clr.AddReference(assembly)
    import importlib

    import System
    import System.IO

    api = OpennessApi(
        version=installation.version, runtime=kind, assemblies=installation.assemblies,
        engineering=importlib.import_module("Siemens.Engineering"),
        hw=importlib.import_module("Siemens.Engineering.HW"),
        hw_features=importlib.import_module("Siemens.Engineering.HW.Features"),
        system=System, io=System.IO, resolved=resolved,
    )
    _loaded["api"] = api
    return api
