"""The C# stand-in for ``Siemens.Engineering``, compiled with Mono's ``mcs`` at test time.

Only tests use this package. :func:`build_standin` compiles ``*.cs`` next to this file into a cache folder
keyed by the sources' hash (shared by pytest-xdist workers, so the compiler runs once per change);
:func:`standin_backend` loads it with pythonnet's Mono runtime and returns an :class:`OpennessBackend`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openness_bridge.backend import OpennessBackend

__all__ = ("PLAYED", "SOURCES", "STANDIN_VERSION", "StandInUnavailable", "build_standin", "missing_prerequisites",
           "plcsim_assembly", "reset_machine", "standin_backend")

SOURCES = Path(__file__).parent
PLAYED = {"V17": "TIA_V17", "V18": "TIA_V18;TIA_FROM_V18", "V19": "TIA_V19;TIA_FROM_V18;TIA_FROM_V19",
          "V21": "TIA_V21;TIA_FROM_V18;TIA_FROM_V19;TIA_FROM_V21"}
"""The TIA versions the stand-in can be built as, with the compile-time defines of each (``;``-separated): its own
``TIA_V{n}`` and a ``TIA_FROM_V{m}`` for every version it includes. A build exposes only what its version has
(``#if TIA_FROM_V18`` around what the real V17 metadata lacks, by openness_bridge/reference; the member test,
tests/bridge/test_api_reference.py, fails on a stand-in row its version's metadata contradicts): V17 is the oldest
the bridge claims, V21 the newest (best evidence); V19 is the default."""
STANDIN_VERSION = os.environ.get("ENGINEERING_API_STANDIN_VERSION", "V19")
"""The TIA version the stand-in plays in this process (``StandIn.Control.Machine.Version``): one per process, since
pythonnet loads one ``Siemens.Engineering`` assembly. ``ENGINEERING_API_STANDIN_VERSION=V17`` picks another."""


class StandInUnavailable(RuntimeError):
    """Mono, mcs or pythonnet is missing; the message says which and how to install it."""


def missing_prerequisites() -> list[str]:
    """What this machine lacks for the stand-in tests, in plain words (empty when all is there)."""
    missing = []
    if shutil.which("mcs") is None:
        missing.append("Mono's C# compiler 'mcs' (apt-get install mono-devel)")
    if shutil.which("mono") is None and not Path("/usr/lib/libmono-2.0.so.1").exists():
        missing.append("the Mono runtime (apt-get install libmono-2.0-1)")
    for module in ("pythonnet", "clr_loader"):
        if importlib.util.find_spec(module) is None:
            missing.append(f"the Python package {module} (pip install -e '.[test]')")
    return missing


_ASSEMBLIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("wire", "StandIn.Wire.dll", ()),
    (".", "Siemens.Engineering.dll", ("StandIn.Wire.dll",)),
    ("plcsim", "Siemens.Simatic.Simulation.Runtime.Api.x64.dll", ("StandIn.Wire.dll",)),
)
"""(source folder, assembly, references) in build order: the shared "network", Openness, PLCSIM Advanced."""


def _sources(folder: str) -> list[Path]:
    return sorted((SOURCES / folder).glob("*.cs"))


def build_standin(cache_root: Path | None = None, version: str | None = None) -> Path:
    """Compile the stand-in assemblies as ``version`` (default :data:`STANDIN_VERSION`; once per source change)
    and return the Siemens.Engineering DLL's path.

    The PLCSIM Advanced stand-in is built beside it (:func:`plcsim_assembly`) when it has sources.

    Raises:
        StandInUnavailable: mcs is missing or the compiler failed (its output is in the message).
    """
    played = version or STANDIN_VERSION
    if played not in PLAYED:
        raise StandInUnavailable(f"the stand-in plays {', '.join(PLAYED)}, not {played!r}")
    if shutil.which("mcs") is None:
        raise StandInUnavailable("mcs (Mono C# compiler) is not installed: apt-get install mono-devel")
    sources = [p for folder, _, _ in _ASSEMBLIES for p in _sources(folder)]
    digest = hashlib.sha256(played.encode() + b"".join(
        str(p.relative_to(SOURCES)).encode() + p.read_bytes() for p in sources)).hexdigest()[:16]
    root = cache_root or Path(tempfile.gettempdir()) / "engineering-api-standin"
    target = root / digest / "Siemens.Engineering.dll"
    if target.is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=root))
    try:
        for folder, assembly, references in _ASSEMBLIES:
            files = _sources(folder)
            if not files:
                continue
            result = subprocess.run(
                ["mcs", "-target:library", "-nologo", "-warnaserror-", f"-define:{PLAYED[played]}",
                 f"-out:{staging / assembly}",
                 *(f"-r:{staging / r}" for r in references), *map(str, files)],
                capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                raise StandInUnavailable(f"mcs failed on {assembly}:\n{result.stdout}{result.stderr}")
        try:
            os.replace(staging, target.parent)  # atomic: another xdist worker may have won the race
        except OSError:
            if not target.is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def plcsim_assembly(engineering_dll: Path) -> Path | None:
    """The PLCSIM Advanced stand-in built beside ``engineering_dll``, if it has sources."""
    path = engineering_dll.parent / "Siemens.Simatic.Simulation.Runtime.Api.x64.dll"
    return path if path.is_file() else None


def _control() -> Any:
    from StandIn.Control import Faults, Machine

    return Machine, Faults


def _reset_wire() -> None:
    from StandIn.Wire import Softbus

    Softbus.Reset()


def reset_machine() -> None:
    """Forget every simulated portal, project handle and armed fault (between tests)."""
    machine, _faults = _control()
    machine.Reset()
    _reset_wire()


def standin_backend(state_dir: Path | None = None) -> OpennessBackend:
    """A fresh :class:`OpennessBackend` over the stand-in, loaded with Mono; the simulated machine is reset.

    ``state_dir`` is where the bridge keeps its own files (simulation profiles); a temporary folder when omitted.
    """
    missing = missing_prerequisites()
    if missing:
        raise StandInUnavailable("missing: " + "; ".join(missing))
    from openness_bridge.backend import OpennessBackend
    from openness_bridge.loader import Installation, load_api

    dll = build_standin()
    installation = Installation(STANDIN_VERSION, str(dll.parent), (str(dll),), (str(dll.parent),))
    api = load_api(installation, runtime="mono")
    import clr

    clr.AddReference(str(dll.parent / "StandIn.Wire.dll"))
    simulation_api = None
    plcsim_dll = plcsim_assembly(dll)
    if plcsim_dll is not None:  # PLCSIM Advanced's stand-in, loaded after Openness as on a real machine
        from openness_bridge.plcsim import load_plcsim

        simulation_api = load_plcsim(plcsim_dll, "stand-in")
    reset_machine()
    state = state_dir or Path(tempfile.mkdtemp(prefix="engineering-api-bridge-state-"))
    return OpennessBackend(
        api, [installation], state_dir=state, simulation_api=simulation_api, scratch_dir=state / "scratch"
    )
