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

__all__ = ("SOURCES", "StandInUnavailable", "build_standin", "missing_prerequisites", "reset_machine", "standin_backend")

SOURCES = Path(__file__).parent
STANDIN_VERSION = "V19"
"""The TIA version the stand-in plays (``StandIn.Control.Machine.Version``)."""


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


def build_standin(cache_root: Path | None = None) -> Path:
    """Compile the stand-in (once per source change) and return the DLL's path.

    Raises:
        StandInUnavailable: mcs is missing or the compiler failed (its output is in the message).
    """
    if shutil.which("mcs") is None:
        raise StandInUnavailable("mcs (Mono C# compiler) is not installed: apt-get install mono-devel")
    sources = sorted(SOURCES.glob("*.cs"))
    digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in sources)).hexdigest()[:16]
    root = cache_root or Path(tempfile.gettempdir()) / "engineering-api-standin"
    target = root / digest / "Siemens.Engineering.dll"
    if target.is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=root))
    try:
        out = staging / "Siemens.Engineering.dll"
        result = subprocess.run(
            ["mcs", "-target:library", "-nologo", "-warnaserror-", f"-out:{out}", *map(str, sources)],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise StandInUnavailable(f"mcs failed:\n{result.stdout}{result.stderr}")
        try:
            os.replace(staging, target.parent)  # atomic: another xdist worker may have won the race
        except OSError:
            if not target.is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _control() -> Any:
    from StandIn.Control import Faults, Machine  # type: ignore[import-not-found]

    return Machine, Faults


def reset_machine() -> None:
    """Forget every simulated portal, project handle and armed fault (between tests)."""
    machine, _faults = _control()
    machine.Reset()


def standin_backend() -> OpennessBackend:
    """A fresh :class:`OpennessBackend` over the stand-in, loaded with Mono; the simulated machine is reset."""
    missing = missing_prerequisites()
    if missing:
        raise StandInUnavailable("missing: " + "; ".join(missing))
    from openness_bridge.backend import OpennessBackend
    from openness_bridge.loader import Installation, load_api

    dll = build_standin()
    installation = Installation(STANDIN_VERSION, str(dll.parent), (str(dll),), (str(dll.parent),))
    api = load_api(installation, runtime="mono")
    reset_machine()
    return OpennessBackend(api, [installation])
